package org.ssekit;

import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseParser;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventTest {

  private static String wire(Event e) {
    ByteBuffer b = e.encoded();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new String(bytes, UTF_8);
  }

  @Test
  void rejectsIdWithNulCrOrLfNamingTheField() {
    for (String bad : new String[] {"a\0b", "a\rb", "a\nb", "\r\n"}) {
      assertThatThrownBy(() -> Event.builder().id(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("event id")
          .hasMessageContaining("NUL, CR or LF");
    }
  }

  @Test
  void rejectsNameWithCrOrLfNamingTheField() {
    for (String bad : new String[] {"a\rb", "a\nb", "x\ndata: forged"}) {
      assertThatThrownBy(() -> Event.builder().name(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("event name")
          .hasMessageContaining("CR or LF");
      assertThatThrownBy(() -> Event.of(bad, "d")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void acceptsNulInNameAndAnyCharacterInData() {
    Event e = Event.builder().name("a\0b").data("x\0y").build();
    assertThat(e.name()).contains("a\0b");
    assertThat(wire(e)).isEqualTo("event: a\0b\ndata: x\0y\n\n");
  }

  @Test
  void rejectsNegativeRetry() {
    assertThatThrownBy(() -> Event.builder().retry(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retry");
    assertThatThrownBy(() -> Event.builder().retry(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retry");
    assertThat(Event.builder().retry(0).build().retry()).contains(Duration.ZERO);
  }

  @Test
  void encodesSimpleDataEvent() {
    assertThat(wire(Event.of("hello"))).isEqualTo("data: hello\n\n");
  }

  @Test
  void encodesAllFieldsInFixedOrder() {
    Event e = Event.builder().comment("c").id("7").name("tick").retry(2500).data("d").build();
    assertThat(wire(e)).isEqualTo(": c\nid: 7\nevent: tick\nretry: 2500\ndata: d\n\n");
  }

  @Test
  void splitsDataOnCrlfLoneCrAndLoneLf() {
    assertThat(wire(Event.of("a\r\nb\rc\nd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
  }

  @Test
  void encodesEmptyDataAsBareDataField() {
    assertThat(wire(Event.of(""))).isEqualTo("data:\n\n");
  }

  @Test
  void keepsEmptyLinesInsideData() {
    assertThat(wire(Event.of("a\n\nb"))).isEqualTo("data: a\ndata:\ndata: b\n\n");
    assertThat(wire(Event.of("\n"))).isEqualTo("data:\ndata:\n\n");
    assertThat(wire(Event.of("\r\n\r"))).isEqualTo("data:\ndata:\ndata:\n\n");
  }

  @Test
  void keepsLeadingSpacesWithExactlyOneSpaceAfterColon() {
    assertThat(wire(Event.of("  two"))).isEqualTo("data:   two\n\n");
    assertThat(wire(Event.builder().comment(" x").build())).isEqualTo(":  x\n\n");
  }

  @Test
  void encodesMultiLineCommentsAsSeveralCommentLines() {
    assertThat(wire(Event.comment("one\r\ntwo\rthree\n"))).isEqualTo(": one\n: two\n: three\n:\n\n");
    assertThat(wire(Event.comment(""))).isEqualTo(":\n\n");
  }

  @Test
  void encodesRetryAlone() {
    assertThat(wire(Event.builder().retry(Duration.ofSeconds(3)).build())).isEqualTo("retry: 3000\n\n");
  }

  @Test
  void emptyIdIsWrittenSoThatItResetsTheLastEventId() {
    Event e = Event.builder().id("").data("x").build();
    assertThat(e.id()).contains("");
    String w = wire(e);
    assertThat(w).startsWith("id:").endsWith("data: x\n\n");
    java.util.List<MessageEvent> got = new java.util.ArrayList<>();
    SseParser p = SseParser.create(got::add);
    p.lastEventId("old");
    p.feed(w.getBytes(UTF_8));
    assertThat(got).containsExactly(new MessageEvent("message", "x", ""));
  }

  @Test
  void emptyNameMeansDefaultType() {
    Event e = Event.of("", "x");
    assertThat(e.name()).isEmpty();
    assertThat(wire(e)).isEqualTo("data: x\n\n");
  }

  @Test
  void encodesNonAsciiAsUtf8AndUnpairedSurrogatesAsReplacementCharacter() {
    assertThat(wire(Event.of("é€😀"))).isEqualTo("data: é€😀\n\n");
    assertThat(wire(Event.of("a\uD800b"))).isEqualTo("data: a\uFFFDb\n\n");
    assertThat(wire(Event.of("a\uDC00"))).isEqualTo("data: a\uFFFD\n\n");
    assertThat(wire(Event.of("\uD83D\n\uDE00"))).isEqualTo("data: \uFFFD\ndata: \uFFFD\n\n");
    assertThat(Event.of("é€😀").encodedLength()).isEqualTo("data: é€😀\n\n".getBytes(UTF_8).length);
  }

  @Test
  void copyToAndWriteToEmitTheSameBytesAsEncoded() throws IOException {
    Event e = Event.builder().id("1").data("payload").build();
    byte[] dst = new byte[e.encodedLength() + 2];
    assertThat(e.copyTo(dst, 2)).isEqualTo(e.encodedLength());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    e.writeTo(out);
    assertThat(new String(dst, 2, e.encodedLength(), UTF_8)).isEqualTo(wire(e)).isEqualTo(out.toString(UTF_8));
    assertThat(e.encoded().isReadOnly()).isTrue();
  }

  @Test
  void valueSemanticsAndToBuilder() {
    Event a = Event.builder().id("1").name("n").data("d").retry(5).comment("c").build();
    Event b = a.toBuilder().build();
    assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.toBuilder().data("other").build()).isNotEqualTo(a);
    assertThat(a.toString()).contains("id=1", "name=n", "data=d");
  }
}
