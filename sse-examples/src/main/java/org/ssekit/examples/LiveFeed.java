package org.ssekit.examples;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.broker.Message;

/**
 * A bounded list of items that are also published, one event each, to a hub topic, so that a page
 * can render the list and then resume the stream exactly where the list ends.
 *
 * <p>The trick that makes a reload lose nothing and show nothing twice: {@link #append} publishes
 * and stores under one lock, so the stored order is the history's order and every stored item
 * carries the event id the history gave it. A page renders {@link #snapshot} and opens its stream
 * with {@code lastEventId} = {@link Snapshot#lastEventId()}: the hub replays from the history what
 * was published after the snapshot, then goes live.
 *
 * <p>Thread-safe. {@link #append} waits for the broker to accept the message (immediate with the
 * in-memory broker; bounded by a timeout with a remote one) while holding the feed's lock.
 *
 * @param <T> the item type
 */
public final class LiveFeed<T> {

  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

  private final Hub hub;
  private final String topic;
  private final int capacity;
  private final Function<T, Event> toEvent;
  private final Function<T, Optional<String>> key;
  private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
  private @Nullable String newestId;

  private LiveFeed(
      Hub hub, String topic, int capacity, Function<T, Event> toEvent, Function<T, Optional<String>> key) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.hub = Objects.requireNonNull(hub, "hub");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.capacity = capacity;
    this.toEvent = Objects.requireNonNull(toEvent, "toEvent");
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * A feed on {@code topic} keeping the newest {@code capacity} items; {@code toEvent} renders an
   * item as the event streams receive, {@code key} names its routing key (empty: every stream of
   * the topic).
   */
  public static <T> LiveFeed<T> of(
      Hub hub, String topic, int capacity, Function<T, Event> toEvent, Function<T, Optional<String>> key) {
    return new LiveFeed<>(hub, topic, capacity, toEvent, key);
  }

  /** The topic this feed publishes to. */
  public String topic() {
    return topic;
  }

  /**
   * Publishes {@code item} and stores it with the id the history assigned.
   *
   * @throws IllegalStateException if the broker refused the message or did not answer in time
   */
  public synchronized Entry<T> append(T item) {
    Objects.requireNonNull(item, "item");
    Event event = toEvent.apply(item);
    Optional<String> k = key.apply(item);
    Message stored;
    try {
      stored =
          (k.isPresent() ? hub.publish(topic, k.get(), event) : hub.publish(topic, event))
              .toCompletableFuture()
              .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot publish to " + topic + ": " + e, e);
    }
    Entry<T> entry = new Entry<>(stored.id().orElse(""), item);
    entries.addLast(entry);
    if (entries.size() > capacity) {
      entries.removeFirst();
    }
    if (!entry.id().isEmpty()) {
      newestId = entry.id();
    }
    return entry;
  }

  /** The stored items {@code filter} accepts, oldest first, and the id to resume the stream from. */
  public synchronized Snapshot<T> snapshot(Predicate<T> filter) {
    List<Entry<T>> out = new ArrayList<>();
    for (Entry<T> e : entries) {
      if (filter.test(e.item())) {
        out.add(e);
      }
    }
    return new Snapshot<>(out, Optional.ofNullable(newestId));
  }

  /** Every stored item, oldest first, and the id to resume from. */
  public Snapshot<T> snapshot() {
    return snapshot(t -> true);
  }

  /**
   * One stored item.
   *
   * @param id the event id the history gave it (empty without a history)
   * @param item the item
   * @param <T> the item type
   */
  public record Entry<T>(String id, T item) {
    /** Checks the fields. */
    public Entry {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(item, "item");
    }
  }

  /**
   * What a page renders, and where its stream resumes.
   *
   * @param entries the items, oldest first
   * @param lastEventId the id of the newest item published to the topic (whether or not the filter
   *     kept it); a stream opened with it replays exactly what came later
   * @param <T> the item type
   */
  public record Snapshot<T>(List<Entry<T>> entries, Optional<String> lastEventId) {
    /** Copies the list. */
    public Snapshot {
      entries = List.copyOf(entries);
      Objects.requireNonNull(lastEventId, "lastEventId");
    }

    /** The resume id, or {@code ""} when there is none (for templates). */
    public String lastEventIdOrEmpty() {
      return lastEventId.orElse("");
    }
  }
}
