package org.ssekit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;
import org.ssekit.InitialResponse;
import org.ssekit.Marshaller;

class JacksonMarshallerTest {

  record Stats(String post, long views, List<String> tags) {}

  @Test
  void marshalsRecordsAndMapsToJson() throws Exception {
    Marshaller m = JacksonMarshaller.create();
    assertThat(m.contentType()).isEqualTo("application/json");
    String json = m.marshal(new Stats("p1", 42, List.of("a", "b")));
    assertThat(json).isEqualTo("{\"post\":\"p1\",\"views\":42,\"tags\":[\"a\",\"b\"]}");
    assertThat(new ObjectMapper().readTree(json).get("views").asLong()).isEqualTo(42);
  }

  @Test
  void prettyPrintedJsonBecomesSeveralDataLinesThatAClientJoinsBack() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    String json = JacksonMarshaller.create(mapper).marshal(Map.of("k", "v"));
    assertThat(json).contains("\n");
    Event e = Event.of("stats", json);
    byte[] wire = new byte[e.encodedLength()];
    e.copyTo(wire, 0);
    assertThat(new String(wire, StandardCharsets.UTF_8)).startsWith("event: stats\ndata: {").contains("\ndata: ");
  }

  @Test
  void initialValueIsTheBodyForPlainGetAndTheFirstEventForStreams() {
    InitialResponse r = InitialResponse.value(Map.of("n", 1), JacksonMarshaller.create(), "state");
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
    assertThat(r.events()).containsExactly(Event.of("state", "{\"n\":1}"));
  }

  @Test
  void unmarshallableValueFailsWithIllegalArgumentNamingTheType() {
    Object selfReferencing = new Object() {
      @SuppressWarnings("unused")
      public Object getSelf() {
        return this;
      }
    };
    assertThatThrownBy(() -> JacksonMarshaller.create().marshal(selfReferencing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot marshal");
  }

  @Test
  void textMarshallerIsStringValueOf() {
    assertThat(Marshaller.text().marshal(12)).isEqualTo("12");
    assertThat(Marshaller.text().contentType()).startsWith("text/plain");
  }
}
