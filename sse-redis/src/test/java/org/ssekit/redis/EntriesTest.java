package org.ssekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssekit.broker.Message;

class EntriesTest {

  private static List<String> strings(byte[][] args) {
    List<String> out = new ArrayList<>();
    for (byte[] a : args) {
      out.add(new String(a, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** What Redis hands back for the fields the script appended. */
  private static StreamMessage<String, byte[]> entry(String id, byte[][] args) {
    Map<String, byte[]> body = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i += 2) {
      body.put(new String(args[i], StandardCharsets.UTF_8), args[i + 1]);
    }
    return new StreamMessage<>("k", id, body);
  }

  @Test
  void laysOutCapsPayloadAndPrefixedMetadata() {
    Message m = Message.of("hi".getBytes(StandardCharsets.UTF_8), Map.of("p", "x"));
    assertThat(strings(Entries.appendArgs(m, 1000, 60_000)))
        .containsExactly("1000", "60000", "p", "hi", "m:p", "x");
  }

  @Test
  void storesAnOwnIdAndUsesItAsTheEventId() {
    Message m = Message.of("d").withId("order-7");
    byte[][] args = Entries.appendArgs(m, 10, 0);
    assertThat(strings(args)).containsExactly("10", "0", "p", "d", "i", "order-7");
    StreamMessage<String, byte[]> e = entry("5-0", args);
    assertThat(Entries.hasOwnId(e)).isTrue();
    assertThat(Entries.eventId(e)).isEqualTo("order-7");
    assertThat(Entries.decode(e)).isEqualTo(m);
  }

  @Test
  void decodesTheEntryIdAsTheMessageIdAndKeepsBytesAndMetadata() {
    byte[] payload = {0, (byte) 0xff, 10, 13};
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("sse-event", "tick");
    meta.put("m:nested", "é");
    Message m = Message.of(payload, meta);
    Message decoded = Entries.decode(entry("1700000000000-3", Entries.appendArgs(m, 10, 0)));
    assertThat(decoded.id()).contains("1700000000000-3");
    assertThat(decoded.payload()).isEqualTo(payload);
    assertThat(decoded.metadata()).isEqualTo(meta);
  }

  @Test
  void rejectsAnEntryWithoutPayload() {
    StreamMessage<String, byte[]> foreign = new StreamMessage<>("k", "1-1", Map.of("x", new byte[0]));
    assertThatThrownBy(() -> Entries.decode(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no payload");
  }
}
