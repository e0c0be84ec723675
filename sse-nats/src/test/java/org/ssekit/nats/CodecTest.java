package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssekit.broker.Message;

class CodecTest {

  private final Codec codec = new Codec("lz0abc");

  @Test
  void roundTripsArbitraryMetadataThroughAsciiHeaders() {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(Message.EVENT, "greeting");
    meta.put("Mixed-Case", "  leading and trailing  ");
    meta.put("colon:key", "per%cent: ünï \uD83D\uDE00 \r\n\t end");
    meta.put("empty", "");
    meta.put("ключ", "значение");
    byte[] payload = {0, 1, (byte) 0xff, 'a'};
    Message m = Message.of(payload, meta);
    Headers h = Codec.headers(m);
    assertThat(h).isNotNull();
    h.entrySet().forEach(e -> {
      assertThat(e.getKey()).matches("[\\x21-\\x7e&&[^:]]+");
      e.getValue().forEach(v -> assertThat(v).matches("[\\x21-\\x7e]*"));
    });
    Message back = codec.decode(42, h, payload);
    assertThat(back.metadata()).isEqualTo(meta);
    assertThat(back.payload()).isEqualTo(payload);
    assertThat(back.id()).contains("lz0abc-42");
  }

  @Test
  void keepsAMessagesOwnId() {
    Message m = Message.of("x").withId("own id ü");
    Message back = codec.decode(7, Codec.headers(m), "x".getBytes(StandardCharsets.UTF_8));
    assertThat(back.id()).contains("own id ü");
    assertThat(Codec.hasOwnId(Codec.headers(m))).isTrue();
  }

  @Test
  void sendsNoHeadersForAPlainMessage() {
    assertThat(Codec.headers(Message.of("plain"))).isNull();
    assertThat(codec.decode(3, null, null).payloadLength()).isZero();
  }

  @Test
  void parsesOnlyIdsOfItsOwnEpoch() {
    assertThat(codec.sequence("lz0abc-42")).isEqualTo(42);
    assertThat(codec.sequence(codec.id(9_000_000_000L))).isEqualTo(9_000_000_000L);
    assertThat(codec.sequence("lz0abd-42")).isEqualTo(-1);
    assertThat(codec.sequence("lz0abc-")).isEqualTo(-1);
    assertThat(codec.sequence("lz0abc-0")).isEqualTo(-1);
    assertThat(codec.sequence("lz0abc-4x")).isEqualTo(-1);
    assertThat(codec.sequence("lz0abc-99999999999999999999")).isEqualTo(-1);
    assertThat(codec.sequence("lz0abc42")).isEqualTo(-1);
    assertThat(codec.sequence("42")).isEqualTo(-1);
  }
}
