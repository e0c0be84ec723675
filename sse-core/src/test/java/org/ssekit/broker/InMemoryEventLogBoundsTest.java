package org.ssekit.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The byte bound per topic, the budget across topics and the topic bound of the in-memory log. */
class InMemoryEventLogBoundsTest {

  private static final int DATA = 100; // payload bytes of every message here
  private static final long ENTRY = InMemoryEventLog.ENTRY_OVERHEAD + DATA; // what one counts

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private InMemoryEventLog log(int maxEvents, long maxBytes, long budget, int maxTopics) {
    return new InMemoryEventLog(
        new InMemoryEventLog.Bounds(maxEvents, maxBytes, Duration.ofSeconds(10), budget, maxTopics),
        now::get);
  }

  /** Appends a message of {@link #DATA} bytes whose payload starts with {@code name}; its id. */
  private String append(EventLog log, String topic, String name) {
    now.addAndGet(1_000); // a distinct time per append: "oldest" is well defined
    String data = (name + "_".repeat(DATA)).substring(0, DATA);
    return log.append(topic, Message.of(data)).id().orElseThrow();
  }

  private static List<String> names(EventLog.Replay r) {
    return r.messages().stream().map(m -> m.payloadAsString().replace("_", "")).toList();
  }

  @Test
  void theByteBoundOfATopicEvictsItsOldestFirst() {
    InMemoryEventLog log = log(100, 3 * ENTRY, Long.MAX_VALUE, 10);
    String first = append(log, "t", "a");
    for (String n : List.of("b", "c", "d", "e")) {
      append(log, "t", n);
    }
    EventLog.Replay r = log.readAfter("t", first, 100);
    assertThat(r.complete()).isFalse(); // a resumer from an evicted message is told of the gap
    assertThat(names(r)).containsExactly("c", "d", "e");
  }

  @Test
  void aMessageLargerThanTheByteBoundIsRefusedNamingIt() {
    InMemoryEventLog log = log(100, ENTRY - 1, Long.MAX_VALUE, 10);
    assertThatThrownBy(() -> append(log, "t", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("history maxBytes (" + (ENTRY - 1) + ")");
    InMemoryEventLog small = log(100, Long.MAX_VALUE, ENTRY, 10);
    assertThatThrownBy(() -> append(small, "t", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historyBudget (" + ENTRY + ")");
  }

  @Test
  void theBudgetEvictsTheOldestMessagesAcrossTopicsAndStaysWithinIt() {
    long topic = InMemoryEventLog.TOPIC_OVERHEAD + 1;
    long budget = 3 * topic + 8 * ENTRY;
    InMemoryEventLog log = log(100, Long.MAX_VALUE, budget, 10);
    String a1 = append(log, "a", "a1");
    String b1 = append(log, "b", "b1");
    append(log, "a", "a2");
    append(log, "b", "b2");
    append(log, "a", "a3");
    append(log, "b", "b3");
    append(log, "a", "a4");
    append(log, "b", "b4");
    assertThat(log.used()).isEqualTo(2 * topic + 8 * ENTRY); // full, nothing evicted yet
    append(log, "c", "c1"); // over budget: a1 and b1 are the oldest
    assertThat(log.used()).isLessThanOrEqualTo(budget - budget / 16);
    EventLog.Replay a = log.readAfter("a", a1, 100);
    assertThat(a.complete()).isFalse();
    assertThat(names(a)).containsExactly("a2", "a3", "a4");
    EventLog.Replay b = log.readAfter("b", b1, 100);
    assertThat(b.complete()).isFalse();
    assertThat(names(b)).containsExactly("b2", "b3", "b4");
    assertThat(names(log.readAfter("c", "none", 100))).containsExactly("c1");
  }

  @Test
  void aTopicWhoseHistoryWasEvictedIsDroppedAndItsIdsNeverComeBack() {
    long topic = InMemoryEventLog.TOPIC_OVERHEAD + 1;
    InMemoryEventLog log = log(100, Long.MAX_VALUE, 2 * topic + 3 * ENTRY, 10);
    String a1 = append(log, "a", "a1");
    String a2 = append(log, "a", "a2");
    append(log, "b", "b1");
    append(log, "b", "b2"); // a1 evicted
    append(log, "b", "b3"); // a2 evicted: topic a is dropped
    assertThat(log.topics()).isEqualTo(1);
    String again = append(log, "a", "new");
    assertThat(again).isNotIn(a1, a2);
    long n = Long.parseLong(again.substring(again.lastIndexOf('-') + 1));
    assertThat(n).isGreaterThan(2); // the dropped topic's sequence continues
    EventLog.Replay r = log.readAfter("a", a2, 100);
    assertThat(r.complete()).isFalse();
    assertThat(names(r)).containsExactly("new");
  }

  @Test
  void oneTopicBeyondMaxTopicsIsRefusedAndTheOthersStillTakeMessages() {
    InMemoryEventLog log = log(100, Long.MAX_VALUE, Long.MAX_VALUE, 2);
    append(log, "a", "a1");
    append(log, "b", "b1");
    assertThatThrownBy(() -> append(log, "c", "c1"))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> {
              assertThat(e.limit()).isEqualTo("history maxTopics");
              assertThat(e.max()).isEqualTo(2);
            })
        .hasMessageContaining("history maxTopics (2) reached")
        .hasMessageContaining("topic c");
    assertThat(log.readAfter("c", "x", 10).messages()).isEmpty();
    append(log, "a", "a2");
    assertThat(log.topics()).isEqualTo(2);
  }

  @Test
  void topicsWhoseHistoryExpiredMakeRoomForNewOnes() {
    InMemoryEventLog log = log(100, Long.MAX_VALUE, Long.MAX_VALUE, 2);
    append(log, "a", "a1");
    append(log, "b", "b1");
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    append(log, "c", "c1");
    assertThat(log.topics()).isEqualTo(1);
    assertThat(names(log.readAfter("c", "x", 10))).containsExactly("c1");
  }

  @Test
  void boundsAreValidatedNamingTheField() {
    assertThatThrownBy(() -> EventLog.inMemory(10, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("history maxBytes");
    assertThatThrownBy(() -> InMemoryBroker.builder().historyBudget(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historyBudget");
    assertThatThrownBy(() -> InMemoryBroker.builder().maxTopics(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTopics");
    assertThatThrownBy(() -> InMemoryBroker.builder().history(0, 10, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("history maxEvents");
    EventLog injected = EventLog.inMemory(10, Duration.ofSeconds(1));
    assertThatThrownBy(() -> InMemoryBroker.builder().history(injected).maxTopics(5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("history(EventLog) was already set");
    assertThatThrownBy(() -> InMemoryBroker.builder().historyBudget(1_000).history(injected))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("historyBudget was already set");
  }

  @Test
  void concurrentPublishersKeepTheAccountingExactAndIdsIncreasingUnderEviction() throws Exception {
    int topics = 50;
    long budget = topics * (InMemoryEventLog.TOPIC_OVERHEAD + 3) + 200 * ENTRY;
    InMemoryEventLog log =
        new InMemoryEventLog(
            new InMemoryEventLog.Bounds(20, 10 * ENTRY, Duration.ofMinutes(1), budget, topics), System::nanoTime);
    String data = "d".repeat(DATA);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  for (int i = 0; i < 20_000; i++) {
                    log.append("t" + r.nextInt(topics), Message.of(data));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long expected = 0;
    int kept = 0;
    for (int t = 0; t < topics; t++) {
      String topic = "t" + t;
      List<Message> m = log.readAfter(topic, "none", 1_000).messages();
      if (m.isEmpty()) {
        continue;
      }
      kept++;
      expected += InMemoryEventLog.TOPIC_OVERHEAD + topic.length() + m.size() * ENTRY;
      long previous = 0;
      for (Message x : m) {
        String id = x.id().orElseThrow();
        long n = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
        assertThat(n).isGreaterThan(previous);
        previous = n;
      }
      assertThat(m.size()).isLessThanOrEqualTo(10); // the per-topic byte bound
    }
    assertThat(log.topics()).isEqualTo(kept);
    assertThat(log.used()).isEqualTo(expected);
    // every appender finished, the last one left at most a pass's low-water mark above the budget
    assertThat(log.used()).isLessThanOrEqualTo(budget);
  }
}
