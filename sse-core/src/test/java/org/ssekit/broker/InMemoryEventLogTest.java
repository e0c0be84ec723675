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
  }

  @Test
  void anOwnIdOfTheFormThisLogAssignsIsRefused() {
    String a = append("t", "a");
    String run = a.substring(0, a.lastIndexOf('-'));
    for (String alias : List.of(run + "-2", run + "-99", run + "-007")) {
      assertThatThrownBy(() -> log.append("t", Message.of("mimic").withId(alias)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("message id " + alias + " has the form of the ids this history assigns")
          .hasMessageContaining("give the message another id, or none");
    }
    String b = append("t", "b");
    assertThat(b).isEqualTo(run + "-2"); // the refused ones took no sequence
    assertThat(data(log.readAfter("t", a, 10))).containsExactly("b");
    // ids of another log's run, and near misses, are the publisher's own
    assertThat(log.append("t", Message.of("c").withId("zz" + run + "-3")).id()).contains("zz" + run + "-3");
    assertThat(log.append("t", Message.of("d").withId(run + "-x")).id()).contains(run + "-x");
    assertThat(data(log.readAfter("t", b, 10))).containsExactly("c", "d");
  }

  @Test
  void aDuplicateOwnIdIsRefusedAndNothingIsStored() {
    log.append("t", Message.of("first").withId("order-1"));
    String after = append("t", "after");
    assertThatThrownBy(() -> log.append("t", Message.of("again").withId("order-1")))
        .isInstanceOfSatisfying(
            DuplicateIdException.class,
            e -> {
              assertThat(e.topic()).isEqualTo("t");
              assertThat(e.id()).isEqualTo("order-1");
            });
    assertThat(data(log.readAfter("t", "order-1", 10))).containsExactly("after");
    assertThat(log.readAfter("t", after, 10)).isEqualTo(new EventLog.Replay(List.of(), true));
    // another topic has its own ids
    assertThat(log.append("u", Message.of("x").withId("order-1")).id()).contains("order-1");
  }

  @Test
  void anOwnIdMayComeAgainOnceItLeftTheHistory() {
    log.append("t", Message.of("first").withId("order-1"));
    for (int i = 0; i < 5; i++) {
      append("t", Integer.toString(i)); // the count bound (5) evicts order-1
    }
    assertThat(log.readAfter("t", "order-1", 10).complete()).isFalse();
    assertThat(log.append("t", Message.of("again").withId("order-1")).id()).contains("order-1");
    assertThat(log.readAfter("t", "order-1", 10)).isEqualTo(new EventLog.Replay(List.of(), true));
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
