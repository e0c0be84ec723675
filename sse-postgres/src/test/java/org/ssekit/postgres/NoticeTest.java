package org.ssekit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssekit.broker.Message;

class NoticeTest {

  @Test
  void carriesASmallMessageWithTopicContainingSpaces() {
    byte[] payload = "héllo\u0000 wörld".getBytes(StandardCharsets.UTF_8);
    String meta = MetadataCodec.encode(Map.of(Message.EVENT, "greet ing"));
    String tail = Notice.tail("a topic with spaces", payload, meta);
    Notice n = Notice.parse("42 17" + tail);
    assertThat(n.id()).isEqualTo(42);
    assertThat(n.prev()).isEqualTo(17);
    assertThat(n.topic()).isEqualTo("a topic with spaces");
    assertThat(n.message()).isEqualTo(Message.of(payload, Map.of(Message.EVENT, "greet ing")).withId("42"));
  }

  @Test
  void leavesOutAMessageThatWouldBreakTheNotifyLimit() {
    byte[] payload = new byte[6000]; // base64 makes it 8000 characters
    String tail = Notice.tail("t", payload, "{}");
    assertThat(Notice.utf8Length(Long.MAX_VALUE + " " + Long.MAX_VALUE + tail)).isLessThan(8000);
    Notice n = Notice.parse("9 0" + tail);
    assertThat(n.topic()).isEqualTo("t");
    assertThat(n.message()).isNull();
  }

  @Test
  void inlinesTheLargestMessageThatFits() {
    byte[] payload = new byte[5000];
    String tail = Notice.tail("t", payload, "{}");
    assertThat(Notice.parse("1 0" + tail).message()).isNotNull();
    assertThat(Notice.utf8Length(Long.MAX_VALUE + " " + Long.MAX_VALUE + tail)).isLessThan(8000);
  }

  @Test
  void rejectsForeignPayloads() {
    assertThatThrownBy(() -> Notice.parse("hello")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Notice.parse("1 2 99 short")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsUtf8Bytes() {
    assertThat(Notice.utf8Length("aé€\uD83D\uDE00")).isEqualTo("aé€\uD83D\uDE00".getBytes(StandardCharsets.UTF_8).length);
  }
}
