package org.ssekit.broker;

import org.ssekit.Event;
import org.ssekit.InitialResponse;
import org.ssekit.broker.Message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTest {

  @Test
  void eventRoundTripsThroughAMessage() {
    Event e = Event.builder().id("7").name("n").retry(Duration.ofSeconds(1)).data("d\ne").build();
    Message m = Message.fromEvent(e);
    assertThat(m.id()).contains("7");
    assertThat(m.metadata()).containsEntry(Message.EVENT, "n").containsEntry(Message.RETRY, "1000");
    assertThat(m.payloadAsString()).isEqualTo("d\ne");
    assertThat(m.toEvent()).isEqualTo(e);
    assertThat(m.toEvent()).isSameAs(m.toEvent()); // encoded once per message
  }

  @Test
  void publishingAnEventReusesItsEncodedFormUnlessTheMessageChangesIt() {
    Event e = Event.of("n", "d");
    assertThat(Message.fromEvent(e).toEvent()).isSameAs(e);
    assertThat(Message.fromEvent(e).withMetadata(Message.KEY, "k").toEvent()).isSameAs(e);
    assertThat(Message.fromEvent(e).withMetadata(Message.EVENT, "other").toEvent().name()).contains("other");
    assertThat(Message.fromEvent(e).withId("9").toEvent().id()).contains("9");
    Event commented = Event.builder().comment("c").data("d").build();
    assertThat(Message.fromEvent(commented).toEvent().comment()).isEmpty(); // comments are not carried
  }

  @Test
  void withIdValidatesAndKeepsPayloadAndMetadata() {
    Message m = Message.of("x").withMetadata(Message.KEY, "k");
    assertThat(m.withId("1").id()).contains("1");
    assertThat(m.withId("1").key()).contains("k");
    assertThat(m.withId("1").toEvent().id()).contains("1");
    assertThatThrownBy(() -> m.withId("a\nb")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void payloadIsCopiedInAndOut() {
    byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
    Message m = Message.of(bytes, Map.of("a", "b"));
    bytes[0] = 'z';
    assertThat(m.payloadAsString()).isEqualTo("abc");
    m.payload()[0] = 'z';
    assertThat(m.payloadAsString()).isEqualTo("abc");
    assertThat(m.payloadLength()).isEqualTo(3);
  }

  @Test
  void invalidMetadataFailsWhenTurnedIntoAnEvent() {
    assertThatThrownBy(() -> Message.of("x").withMetadata(Message.RETRY, "soon").toEvent())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Message.RETRY);
    assertThatThrownBy(() -> Message.of("x").withMetadata(Message.EVENT, "a\nb").toEvent())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event name");
  }

  @Test
  void rejectionStatusMustBeAnError() {
    assertThatThrownBy(() -> InitialResponse.reject(200, "ok"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("400-599");
    assertThat(new String(InitialResponse.reject(401, "a \"quoted\"\nline").body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":\"a \\\"quoted\\\"\\nline\"}");
  }
}
