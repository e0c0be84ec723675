package org.ssekit.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's use of {@link org.ssekit.client.SseParser}: what a browser would dispatch, whatever the
 * line endings and wherever the network cuts the bytes.
 */
class ParserIntegrationTest {

  private final FakeHttpClient http = new FakeHttpClient();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Recorder rec = new Recorder();

  private SseClient start() {
    return rec.attach(
            SseClient.builder("http://example.test/")
                .httpClient(http)
                .scheduler(scheduler)
                .initialDelay(Duration.ZERO))
        .build()
        .start();
  }

  private List<String> feed(byte[]... chunks) {
    rec.log.clear();
    start();
    FakeHttpClient.Exchange ex = http.next().open();
    for (byte[] c : chunks) {
      ex.send(c);
    }
    return rec.events();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final String STREAM =
      "\uFEFF: heartbeat\r\n"
          + "event: greeting\r\ndata: héllo €\r\ndata:  two\r\n\r\n"
          + "id: 7\rdata\r\r"
          + "data:x\nunknown: y\nid: a\u0000b\n\n"
          + "retry: 5\nevent: only-type\n\n"
          + "data: last\n\n";

  private static final List<String> EXPECTED =
      List.of(
          "event:greeting:héllo €\n two:",
          "event:message::7",
          "event:message:x:7",
          "event:message:last:7");

  @Test
  void parsesMixedLineEndingsCommentsBomAndEdgeFields() {
    assertThat(feed(utf8(STREAM))).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void dispatchesTheSameEventsWhereverTheBytesAreSplit() {
    byte[] all = utf8(STREAM);
    for (int i = 0; i <= all.length; i++) {
      for (int j = i; j <= all.length; j += 3) {
        List<String> got =
            feed(
                Arrays.copyOfRange(all, 0, i),
                Arrays.copyOfRange(all, i, j),
                Arrays.copyOfRange(all, j, all.length));
        assertThat(got).as("split at %d and %d", i, j).containsExactlyElementsOf(EXPECTED);
      }
    }
  }

  @Test
  void aCrAtTheEndOfAChunkFollowedByLfIsOneLineEnd() {
    assertThat(feed(utf8("data: a\r"), utf8("\ndata: b\r"), utf8("\n\r"), utf8("\n")))
        .containsExactly("event:message:a\nb:");
  }

  @Test
  void onlyALeadingBomIsStripped() {
    assertThat(feed(utf8("\uFEFFdata: 1\n\n\uFEFFdata: 2\n\n")))
        .containsExactly("event:message:1:");
    // "\uFEFFdata" is an unknown field name in the middle of a stream
  }

  @Test
  void eachReconnectedStreamMayStartWithItsOwnBom() {
    start();
    http.next().open().send(utf8("\uFEFFdata: 1\n\n")).end();
    scheduler.runNext();
    http.next().open().send(utf8("\uFEFFdata: 2\n\n"));
    assertThat(rec.events()).containsExactly("event:message:1:", "event:message:2:");
  }

  @Test
  void anEventWithoutDataIsNotDispatchedButEmptyDataIs() {
    assertThat(feed(utf8("event: nothing\n\nid: 1\n\ndata:\n\ndata\ndata\n\n")))
        .containsExactly("event:message::1", "event:message:\n:1");
  }

  @Test
  void onlyOneSpaceAfterTheColonIsStripped() {
    assertThat(feed(utf8("event:  spaced\ndata:  two\n\n"))).containsExactly("event: spaced: two:");
  }

  @Test
  void invalidUtf8BecomesReplacementCharacters() {
    assertThat(feed(new byte[] {'d', 'a', 't', 'a', ':', (byte) 0xC3, '\n', '\n'}))
        .containsExactly("event:message:\uFFFD:");
  }
}
