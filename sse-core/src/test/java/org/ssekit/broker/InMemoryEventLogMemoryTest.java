package org.ssekit.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;
import org.ssekit.Event;

/**
 * The heap the in-memory history retains per entry, measured with JOL (the size of every object
 * reachable from the log), as the hub fills it: {@link Message#fromEvent}, then {@link
 * Message#toEvent} on the stored message, which is what a live delivery does.
 */
class InMemoryEventLogMemoryTest {

  private static final int TOPICS = 100;
  private static final int PER_TOPIC = 1_000;
  private static final int DATA = 256;

  @Test
  void retainsAtMostThePayloadPlus96BytesPerEntry() {
    EventLog log = EventLog.inMemory(PER_TOPIC, Duration.ofHours(1));
    long empty = GraphLayout.parseInstance(log).totalSize();
    String pad = "x".repeat(DATA - 8);
    for (int i = 0; i < TOPICS * PER_TOPIC; i++) {
      Event e = Event.of(String.format("%08d", i) + pad);
      Message stored = log.append("topic-" + (i % TOPICS), Message.fromEvent(e));
      stored.toEvent(); // a live delivery encodes the stored message once
    }
    long entries = (long) TOPICS * PER_TOPIC;
    long retained = GraphLayout.parseInstance(log).totalSize() - empty;
    long perEntry = (retained - entries * DATA) / entries;
    assertThat(perEntry)
        .as("retained bytes per entry beyond its %d payload bytes (%d bytes for %d entries)", DATA, retained, entries)
        .isLessThanOrEqualTo(96);
  }

  @Test
  void aTopicWithOneEventAllocatesNoRingOfMaxEvents() {
    EventLog log = EventLog.inMemory(PER_TOPIC, Duration.ofHours(1));
    long empty = GraphLayout.parseInstance(log).totalSize();
    log.append("t", Message.fromEvent(Event.of("x".repeat(DATA))));
    long retained = GraphLayout.parseInstance(log).totalSize() - empty;
    // a preallocated ring of 1,000 slots and times alone is 12 KB
    assertThat(retained).isLessThan(DATA + 1_024);
  }

  @Test
  void replayedAndDeliveredMessagesLeaveNoEncodedCopyInTheHistory() {
    EventLog log = EventLog.inMemory(PER_TOPIC, Duration.ofHours(1));
    String first = log.append("t", Message.fromEvent(Event.of("first"))).id().orElseThrow();
    for (int i = 0; i < 100; i++) {
      log.append("t", Message.fromEvent(Event.of("x".repeat(DATA))));
    }
    long before = GraphLayout.parseInstance(log).totalSize();
    EventLog.Replay r = log.readAfter("t", first, 1_000);
    r.messages().forEach(Message::toEvent); // what replaying to a client does
    assertThat(r.messages()).hasSize(100);
    assertThat(GraphLayout.parseInstance(log).totalSize()).isEqualTo(before);
  }

  @Test
  void aRingShrinksAfterItsMessagesExpired() {
    Clock now = new Clock();
    EventLog log = new InMemoryEventLog(PER_TOPIC, Duration.ofSeconds(1), now);
    for (int i = 0; i < PER_TOPIC; i++) {
      log.append("t", Message.of("x"));
    }
    now.nanos += Duration.ofSeconds(2).toNanos();
    for (int i = 0; i < 10; i++) {
      log.append("t", Message.of("x"));
    }
    // 10 one-byte messages in a ring of 16 slots; 1,000 slots and times alone would be 12 KB
    assertThat(GraphLayout.parseInstance(log).totalSize()).isLessThan(3_000);
  }

  /** A settable clock; a named class, since JOL cannot read the fields of a lambda. */
  private static final class Clock implements java.util.function.LongSupplier {
    long nanos;

    @Override
    public long getAsLong() {
      return nanos;
    }
  }
}
