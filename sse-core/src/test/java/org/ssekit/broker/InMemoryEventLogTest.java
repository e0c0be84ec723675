package org.ssekit.broker;

import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryEventLogTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final InMemoryEventLog log = new InMemoryEventLog(5, Duration.ofSeconds(10), now::get);

  private String append(String topic, String data) {
    return log.append(topic, Message.of(data)).id().orElseThrow();
  }

  private static List<String> data(EventLog.Replay r) {
    return r.messages().stream().map(Message::payloadAsString).toList();
  }

  @Test
  void assignsIncreasingUniqueIdsAndKeepsOwnIds() {
    String a = append("t", "a");
    String b = append("t", "b");
    assertThat(a).isNotEqualTo(b);
    assertThat(log.append("t", Message.of("c").withId("mine")).id()).contains("mine");
    assertThat(data(log.readAfter("t", a, 10))).containsExactly("b", "c");
  }

  @Test
  void readAfterReturnsWhatFollowsTheIdOldestFirst() {
    String first = append("t", "1");
    append("t", "2");
    String third = append("t", "3");
    append("other", "x");
    EventLog.Replay r = log.readAfter("t", first, 10);
    assertThat(r.complete()).isTrue();
    assertThat(data(r)).containsExactly("2", "3");
    assertThat(log.readAfter("t", third, 10)).isEqualTo(new EventLog.Replay(List.of(), true));
  }

  @Test
  void countBoundEvictsTheOldest() {
    String first = append("t", "1");
    String second = append("t", "2");
    for (int i = 3; i <= 7; i++) {
      append("t", Integer.toString(i));
    }
    EventLog.Replay lost = log.readAfter("t", first, 10);
    assertThat(lost.complete()).isFalse();
    assertThat(data(lost)).containsExactly("3", "4", "5", "6", "7");
    assertThat(log.readAfter("t", second, 10).complete()).isFalse(); // evicted too
  }

  @Test
  void unknownIdIsIncompleteWithTheNewestMessages() {
    append("t", "1");
    append("t", "2");
    EventLog.Replay r = log.readAfter("t", "no-such-id", 10);
    assertThat(r.complete()).isFalse();
    assertThat(data(r)).containsExactly("1", "2");
    assertThat(log.readAfter("empty-topic", "x", 10)).isEqualTo(new EventLog.Replay(List.of(), false));
  }

  @Test
  void limitBoundsTheReplayAndMarksItIncomplete() {
    String first = append("t", "1");
    for (int i = 2; i <= 5; i++) {
      append("t", Integer.toString(i));
    }
    EventLog.Replay r = log.readAfter("t", first, 2);
    assertThat(r.complete()).isFalse();
    assertThat(data(r)).containsExactly("4", "5");
    assertThat(log.readAfter("t", first, 4).complete()).isTrue();
  }

  @Test
  void ageBoundExpiresOldMessages() {
    String first = append("t", "old");
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    String second = append("t", "newer");
    now.addAndGet(Duration.ofSeconds(5).toNanos()); // "old" is 11 s old, "newer" 5 s
    EventLog.Replay r = log.readAfter("t", first, 10);
    assertThat(r.complete()).isFalse();
    assertThat(data(r)).containsExactly("newer");
    assertThat(log.readAfter("t", second, 10)).isEqualTo(new EventLog.Replay(List.of(), true));
  }

  @Test
  void newestIdStaysCompleteAfterEverythingExpired() {
    append("t", "1");
    String newest = append("t", "2");
    now.addAndGet(Duration.ofMinutes(1).toNanos());
    assertThat(log.readAfter("t", newest, 10)).isEqualTo(new EventLog.Replay(List.of(), true));
    EventLog.Replay older = log.readAfter("t", "whatever", 10);
    assertThat(older.complete()).isFalse();
    assertThat(older.messages()).isEmpty();
  }

  @Test
  void findsAssignedAndOwnIdsAmongEachOther() {
    String a = append("t", "a");
    log.append("t", Message.of("own").withId("custom-1"));
    String c = append("t", "c");
    String run = a.substring(0, a.lastIndexOf('-'));
    assertThat(data(log.readAfter("t", a, 10))).containsExactly("own", "c");
    assertThat(data(log.readAfter("t", "custom-1", 10))).containsExactly("c");
    assertThat(log.readAfter("t", c, 10)).isEqualTo(new EventLog.Replay(List.of(), true));
    // the own-id message took sequence 2: an assigned-looking id for it is not in the log
    assertThat(log.readAfter("t", run + "-2", 10).complete()).isFalse();
    assertThat(log.readAfter("t", run + "-999", 10).complete()).isFalse();
    assertThat(log.readAfter("t", run + "-x", 10).complete()).isFalse();
    // an own id that looks like an assigned one is still found, by search
    log.append("t", Message.of("mimic").withId(run + "-2"));
    append("t", "after");
    assertThat(data(log.readAfter("t", run + "-2", 10))).containsExactly("after");
  }

  @Test
  void idsDifferBetweenRuns() {
    InMemoryEventLog other = new InMemoryEventLog(5, Duration.ofSeconds(10), now::get);
    String mine = append("t", "1");
    String theirs = other.append("t", Message.of("1")).id().orElseThrow();
    assertThat(mine).isNotEqualTo(theirs);
    assertThat(other.readAfter("t", mine, 10).complete()).isFalse();
  }

  @Test
  void validatesArguments() {
    assertThatThrownBy(() -> EventLog.inMemory(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEvents");
    assertThatThrownBy(() -> EventLog.inMemory(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAge");
    assertThatThrownBy(() -> log.readAfter("t", "x", -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
