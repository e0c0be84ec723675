package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;

class PublishBodyTest {

  static List<Event> parse(String json) throws PublishServlet.BadRequest {
    return PublishServlet.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryFieldOfOneEvent() throws Exception {
    Event e = parse("{\"data\":\"hi\",\"event\":\"greet\",\"id\":\"7\",\"retry\":3000}").get(0);
    assertThat(e.data()).contains("hi");
    assertThat(e.name()).contains("greet");
    assertThat(e.id()).contains("7");
    assertThat(e.retry()).contains(Duration.ofSeconds(3));
  }

  @Test
  void publishesNonStringDataAsItsJsonText() throws Exception {
    assertThat(parse("[{\"data\":{\"a\":[1,2]}},{\"data\":5},{\"data\":true}]"))
        .extracting(e -> e.data().orElseThrow())
        .containsExactly("{\"a\":[1,2]}", "5", "true");
  }

  @Test
  void namesTheFieldAndElementThatIsWrong() {
    assertThatThrownBy(() -> parse("[{\"data\":\"ok\"},{\"data\":\"x\",\"event\":\"a\\nb\"}]"))
        .isInstanceOf(PublishServlet.BadRequest.class)
        .hasMessageStartingWith("[1].event:")
        .hasMessageContaining("CR or LF");
    assertThatThrownBy(() -> parse("{\"event\":\"x\"}")).hasMessage("data is required");
    assertThatThrownBy(() -> parse("{\"data\":\"x\",\"evnt\":\"x\"}")).hasMessageContaining("evnt is not a field");
    assertThatThrownBy(() -> parse("{\"data\":\"x\",\"retry\":1.5}")).hasMessageContaining("retry must be");
    assertThatThrownBy(() -> parse("{\"data\":\"x\",\"id\":5}")).hasMessageContaining("id must be a string");
    assertThatThrownBy(() -> parse("{\"data\":\"x\",\"data\":\"y\"}")).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> parse("{\"data\":\"x\"}]")).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> parse("   ")).hasMessageContaining("empty body");
    assertThatThrownBy(() -> parse("[]")).hasMessageContaining("empty array");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("[0] must be a JSON object");
  }

  @Test
  void keepsNumbersAsTheirSourceText() throws Exception {
    assertThat(parse("[{\"data\":12345678901234567890.5},{\"data\":1E400},{\"data\":{\"n\": 0.10, \"m\":[1e-999, -0]}}]"))
        .extracting(e -> e.data().orElseThrow())
        .containsExactly("12345678901234567890.5", "1E400", "{\"n\":0.10,\"m\":[1e-999,-0]}");
  }

  @Test
  void refusesBodiesThatAreNotStrictUtf8() {
    byte[] overlongSlash = {'{', '"', 'd', 'a', 't', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
    assertThatThrownBy(() -> PublishServlet.parse(overlongSlash)).hasMessageContaining("not valid UTF-8 (byte offset 9)");
    byte[] surrogate = {'{', '"', 'd', 'a', 't', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
    assertThatThrownBy(() -> PublishServlet.parse(surrogate)).hasMessageContaining("not valid UTF-8");
    byte[] truncated = {'{', '"', 'd', 'a', 't', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82};
    assertThatThrownBy(() -> PublishServlet.parse(truncated)).hasMessageContaining("not valid UTF-8");
  }

  @Test
  void refusesEmptyAndRepeatedIdsNamingTheElement() {
    assertThatThrownBy(() -> parse("{\"data\":\"x\",\"id\":\"\"}")).hasMessageStartingWith("id must not be empty");
    assertThatThrownBy(() -> parse("[{\"data\":\"a\",\"id\":\"7\"},{\"data\":\"b\"},{\"data\":\"c\",\"id\":\"7\"}]"))
        .hasMessageStartingWith("[2].id repeats the id of [0]");
    assertThatThrownBy(() -> parse("[{\"data\":\"a\"},{\"data\":\"b\",\"id\":\"\"}]")).hasMessageStartingWith("[1].id must not be empty");
  }

  @Test
  void refusesDuplicateKeysAndTrailingJunkAtAnyDepth() {
    assertThatThrownBy(() -> parse("{\"data\":{\"a\":1,\"a\":2}}")).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> parse("[{\"data\":\"x\"}] x")).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> parse("[{\"data\":\"x\"}")).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> parse("{\"data\":\"x\",\"retry\":99999999999999999999}")).hasMessageContaining("retry must be");
    assertThatThrownBy(() -> parse("{\"data\":NaN}")).hasMessageContaining("malformed JSON");
  }
}
