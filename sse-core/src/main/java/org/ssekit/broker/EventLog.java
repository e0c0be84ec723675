package org.ssekit.broker;

import org.ssekit.Event;
import org.ssekit.Hub;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The history of each topic: append, and read what came after an id. Used to resume a client that
 * reconnects with {@code Last-Event-ID}.
 *
 * <p>Implementations are thread-safe. Both methods may block on I/O; the {@link Hub} calls {@link
 * #readAfter} on the thread that opens a stream, never on a publishing thread.
 */
public interface EventLog {

  /**
   * Appends {@code message} to {@code topic}'s history and returns it with its id: the message's
   * own id if it has one, else a new id greater in log order than every earlier one.
   */
  Message append(String topic, Message message);

  /**
   * The messages of {@code topic} after the one with {@code lastEventId}, oldest first, at most
   * {@code limit} of them.
   *
   * <p>When the id is not in the history (expired, never seen, from another server run) or more
   * than {@code limit} messages follow it, the result says so with {@link Replay#complete()}
   * false and holds the newest retained messages, at most {@code limit}.
   */
  Replay readAfter(String topic, String lastEventId, int limit);

  /**
   * An in-memory history keeping, per topic, at most {@code maxEvents} messages none older than
   * {@code maxAge}; across topics the defaults of {@link InMemoryBroker.Builder#historyBudget}
   * (a quarter of the maximum heap, oldest evicted first) and {@link
   * InMemoryBroker.Builder#maxTopics} (100,000) apply. Ids have the form {@code <run>-<sequence>},
   * where the run part differs between server runs so a client holding an id from an earlier run
   * is told the history has a gap. A message bringing its own id is refused with {@link
   * DuplicateIdException} when the topic's history has that id already, and with {@link
   * IllegalArgumentException} when its id has this log's form {@code <run>-<sequence>} (it could
   * stand for another message, and a client resuming from it would skip messages).
   *
   * @throws IllegalArgumentException if {@code maxEvents} is not positive or {@code maxAge} is
   *     less than 1 ms
   */
  static EventLog inMemory(int maxEvents, Duration maxAge) {
    return new InMemoryEventLog(maxEvents, maxAge, System::nanoTime);
  }

  /**
   * An in-memory history as {@link #inMemory(int, Duration)} that also keeps at most {@code
   * maxBytes} per topic, evicting the oldest first. A message counts its payload, its own id and
   * metadata characters and 64 bytes of bookkeeping; one larger than {@code maxBytes} is refused
   * with {@link IllegalArgumentException}.
   *
   * @throws IllegalArgumentException if a bound is not positive (naming it)
   */
  static EventLog inMemory(int maxEvents, long maxBytes, Duration maxAge) {
    return new InMemoryEventLog(InMemoryEventLog.Bounds.of(maxEvents, maxBytes, maxAge), System::nanoTime);
  }

  /**
   * What {@link #readAfter} found.
   *
   * @param messages the messages to replay, oldest first
   * @param complete true when {@code messages} is exactly what followed the id; false when the
   *     history could not prove that (a gap: the client should reload its state)
   */
  record Replay(List<Message> messages, boolean complete) {
    /** Copies the list. */
    public Replay {
      messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    }
  }
}
