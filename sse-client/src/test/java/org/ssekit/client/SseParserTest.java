package org.ssekit.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private final List<MessageEvent> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final List<Long> retries = new ArrayList<>();
  private final SseParser parser =
      SseParser.create(
          new SseParser.Listener() {
            @Override
            public void onEvent(MessageEvent event) {
              events.add(event);
            }

            @Override
            public void onComment(String comment) {
              comments.add(comment);
            }

            @Override
            public void onRetry(long millis) {
              retries.add(millis);
            }
          });

  private void feed(String s) {
    parser.feed(s.getBytes(UTF_8));
  }

  private static MessageEvent msg(String data) {
    return new MessageEvent("message", data, "");
  }

  @Test
  void dispatchesDataEventWithDefaultTypeMessage() {
    feed("data: hello\n\n");
    assertThat(events).containsExactly(msg("hello"));
  }

  @Test
  void joinsDataLinesWithLf() {
    feed("data: a\ndata:\ndata: b\n\n");
    assertThat(events).containsExactly(msg("a\n\nb"));
  }

  @Test
  void stripsOnlyOneSpaceAfterColon() {
    feed("data:  x\ndata:y\n\n");
    assertThat(events).containsExactly(msg(" x\ny"));
  }

  @Test
  void fieldWithoutColonHasEmptyValue() {
    feed("data\n\n");
    assertThat(events).containsExactly(msg(""));
  }

  @Test
  void acceptsCrLfAndCrlfLineEnds() {
    feed("data: a\r\rdata: b\n\ndata: c\r\n\r\n");
    assertThat(events).containsExactly(msg("a"), msg("b"), msg("c"));
  }

  @Test
  void crlfSplitAcrossChunksIsOneLineEnd() {
    feed("data: a\r");
    feed("\n");
    feed("data: b\r");
    feed("\n\r");
    feed("\n");
    assertThat(events).containsExactly(msg("a\nb"));
  }

  @Test
  void crFollowedByCrInNextChunkIsTwoLineEnds() {
    feed("data: a\r");
    feed("\rdata: b\r");
    feed("\r");
    assertThat(events).containsExactly(msg("a"), msg("b"));
  }

  @Test
  void utf8CharacterSplitAcrossChunks() {
    byte[] bytes = "data: é😀\n\n".getBytes(UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      parser.feed(bytes, i, 1);
    }
    assertThat(events).containsExactly(msg("é😀"));
  }

  @Test
  void invalidUtf8BecomesReplacementCharacter() {
    parser.feed(new byte[] {'d', 'a', 't', 'a', ':', (byte) 0xFF, '\n', '\n'});
    assertThat(events).containsExactly(msg("\uFFFD"));
  }

  @Test
  void stripsLeadingBom() {
    feed("\uFEFFdata: x\n\n");
    assertThat(events).containsExactly(msg("x"));
  }

  @Test
  void stripsBomSplitAcrossChunks() {
    byte[] bytes = "\uFEFFdata: x\n\n".getBytes(UTF_8);
    parser.feed(bytes, 0, 1);
    parser.feed(bytes, 1, 1);
    parser.feed(bytes, 2, 2);
    parser.feed(bytes, 4, bytes.length - 4);
    assertThat(events).containsExactly(msg("x"));
  }

  @Test
  void stripsOnlyOneBom() {
    feed("\uFEFF\uFEFFdata: x\n\n");
    // the second BOM is part of the first line's field name, so the line is an unknown field
    assertThat(events).isEmpty();
  }

  @Test
  void partialBomPrefixIsOrdinaryContent() {
    // EF BB followed by something else: not a BOM, the bytes stay (and decode to U+FFFD)
    parser.feed(new byte[] {(byte) 0xEF});
    parser.feed(new byte[] {(byte) 0xBB});
    feed("data: x\n\ndata: y\n\n");
    // the first line's field name is "\uFFFDdata", unknown, so only y is dispatched
    assertThat(events).containsExactly(msg("y"));
  }

  @Test
  void reportsCommentsWithoutLeadingSpaceAndDispatchesNothing() {
    feed(": hello\n:\n:  two\n\n");
    assertThat(comments).containsExactly("hello", "", " two");
    assertThat(events).isEmpty();
  }

  @Test
  void ignoresUnknownFields() {
    feed("foo: bar\nDATA: x\ndata : y\ndata: z\n\n");
    assertThat(events).containsExactly(msg("z"));
  }

  @Test
  void usesEventFieldAsTypeAndResetsItAfterDispatch() {
    feed("event: tick\ndata: 1\n\ndata: 2\n\n");
    assertThat(events).containsExactly(new MessageEvent("tick", "1", ""), msg("2"));
  }

  @Test
  void setsLastEventIdAndKeepsItForLaterEvents() {
    feed("id: 7\ndata: a\n\ndata: b\n\n");
    assertThat(events)
        .containsExactly(new MessageEvent("message", "a", "7"), new MessageEvent("message", "b", "7"));
    assertThat(parser.lastEventId()).isEqualTo("7");
  }

  @Test
  void ignoresIdContainingNul() {
    feed("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n");
    assertThat(events).extracting(MessageEvent::lastEventId).containsExactly("1", "1");
  }

  @Test
  void emptyIdResetsLastEventId() {
    feed("id: 1\ndata: a\n\nid\ndata: b\n\nid:\ndata: c\n\n");
    assertThat(events).extracting(MessageEvent::lastEventId).containsExactly("1", "", "");
    assertThat(parser.lastEventId()).isEmpty();
  }

  @Test
  void idWithoutDataSetsLastEventIdAtBlankLineWithoutDispatching() {
    feed("id: 5\n\n");
    assertThat(events).isEmpty();
    assertThat(parser.lastEventId()).isEqualTo("5");
  }

  @Test
  void acceptsRetryOfAsciiDigitsOnly() {
    feed("retry: 1000\nretry: 12a\nretry: -5\nretry: \nretry:  7\nretry: 0\nretry: 99999999999999999999\n\n");
    assertThat(retries).containsExactly(1000L, 0L);
    assertThat(events).isEmpty();
  }

  @Test
  void noDispatchWhenDataBufferIsEmpty() {
    feed("event: x\n\ndata: y\n\n");
    assertThat(events).containsExactly(msg("y"));
  }

  @Test
  void eventWithoutTrailingBlankLineIsNotDispatched() {
    feed("data: x\n");
    feed("data: y");
    assertThat(events).isEmpty();
  }

  @Test
  void resetDiscardsPartialEventAndKeepsLastEventId() {
    feed("id: 3\ndata: a\n\nevent: e\ndata: partial\ndata: half-line");
    parser.reset();
    feed("\uFEFFdata: b\n\n");
    assertThat(events)
        .containsExactly(new MessageEvent("message", "a", "3"), new MessageEvent("message", "b", "3"));
  }

  @Test
  void resetAfterCrDoesNotSwallowTheNextStreamsFirstLf() {
    feed("data: a\r");
    parser.reset();
    feed("\ndata: b\n\n");
    // after reset the leading LF is a blank line of its own (nothing to dispatch), then b
    assertThat(events).containsExactly(msg("b"));
  }

  @Test
  void seededLastEventIdIsReportedAndValidated() {
    parser.lastEventId("42");
    feed("data: x\n\n");
    assertThat(events).containsExactly(new MessageEvent("message", "x", "42"));
    assertThatThrownBy(() -> parser.lastEventId("a\nb")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void feedsByteBuffersHeapAndDirect() {
    ByteBuffer heap = ByteBuffer.wrap("xxdata: a\n\n".getBytes(UTF_8));
    heap.position(2);
    parser.feed(heap);
    assertThat(heap.hasRemaining()).isFalse();
    byte[] bytes = "data: b\n\n".getBytes(UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
    direct.put(bytes).flip();
    parser.feed(direct);
    assertThat(events).containsExactly(msg("a"), msg("b"));
  }

  @Test
  void refusesLinesLongerThanTheLimit() {
    SseParser bounded = SseParser.create(e -> {}, 8);
    bounded.feed("data: 12\n".getBytes(UTF_8));
    assertThatThrownBy(() -> bounded.feed("data: 123\n".getBytes(UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("8 bytes");
  }
}
