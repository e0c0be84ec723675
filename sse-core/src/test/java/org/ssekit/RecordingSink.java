package org.ssekit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A test {@link EventSink}: drains its {@link StreamConnection} on whichever thread wakes it (one
 * drainer at a time, a work-in-progress counter serialises them) and hands every event to a
 * consumer, by default a list. {@link #pause()} makes it a slow consumer that drains nothing until
 * {@link #resume()}.
 *
 * <p>Use {@link #open} (or {@link Hub#open} followed by {@link #attach}) so that wake-ups arriving
 * before {@code open} returns are not lost.
 */
public final class RecordingSink implements EventSink {

  private final Consumer<Event> consumer;
  private final List<Event> events = new ArrayList<>(); // guarded by itself
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicInteger wakes = new AtomicInteger();
  private final AtomicInteger closedCalls = new AtomicInteger();
  private volatile @Nullable StreamConnection connection;
  private volatile boolean paused;

  private RecordingSink(@Nullable Consumer<Event> consumer) {
    this.consumer =
        consumer != null
            ? consumer
            : e -> {
              synchronized (events) {
                events.add(e);
              }
            };
  }

  /** A sink recording every event in a list. */
  public static RecordingSink create() {
    return new RecordingSink(null);
  }

  /** A sink handing every event to {@code consumer} (called by one thread at a time). */
  public static RecordingSink draining(Consumer<Event> consumer) {
    return new RecordingSink(consumer);
  }

  /** Opens a stream on {@code hub} with this sink and attaches to it. */
  public StreamConnection open(Hub hub, String topic, StreamAdapter adapter, StreamRequest request) {
    StreamConnection c = hub.open(topic, adapter, request, this);
    attach(c);
    return c;
  }

  /** Attaches to the connection {@link Hub#open} returned, and drains what is already queued. */
  public void attach(StreamConnection c) {
    connection = c;
    drain();
  }

  /** Stops draining: the stream's queue fills up as if the client were slow. */
  public void pause() {
    paused = true;
  }

  /** Drains again, starting with everything queued while paused. */
  public void resume() {
    paused = false;
    drain();
  }

  @Override
  public void wake() {
    wakes.incrementAndGet();
    drain();
  }

  @Override
  public void closed() {
    closedCalls.incrementAndGet();
    drain();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    do {
      StreamConnection c = connection;
      if (c != null && !paused) {
        Event e;
        while ((e = c.poll()) != null) {
          consumer.accept(e);
        }
      }
    } while (wip.decrementAndGet() != 0);
  }

  /** The connection, once attached. */
  public StreamConnection connection() {
    StreamConnection c = connection;
    if (c == null) {
      throw new IllegalStateException("not attached");
    }
    return c;
  }

  /** A snapshot of the recorded events (empty when a custom consumer is used). */
  public List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The data of the recorded events, skipping events without data (heartbeats, retry hints). */
  public List<String> data() {
    return events().stream()
        .filter(e -> e.data().isPresent())
        .map(e -> e.data().orElseThrow())
        .collect(Collectors.toList());
  }

  /** The ids of the recorded events that have one. */
  public List<String> ids() {
    return events().stream()
        .filter(e -> e.id().isPresent())
        .map(e -> e.id().orElseThrow())
        .collect(Collectors.toList());
  }

  /** How often {@link #wake()} was called. */
  public int wakes() {
    return wakes.get();
  }

  /** How often {@link #closed()} was called: 0 or 1 if the hub keeps its contract. */
  public int closedCalls() {
    return closedCalls.get();
  }
}
