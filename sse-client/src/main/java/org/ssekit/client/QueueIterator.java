package org.ssekit.client;

import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The {@link EventIterator} behind {@link SseClient#events(int)}. */
final class QueueIterator implements EventIterator, Sink {

  private static final Object END = new Object();

  private final SseClient client;
  private final int capacity;
  // Unbounded so that a producer never blocks; the client stops reading while full() holds.
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile boolean ended;
  private @Nullable MessageEvent peeked;

  QueueIterator(SseClient client, int capacity) {
    this.client = client;
    this.capacity = capacity;
  }

  @Override
  public void offer(MessageEvent event) {
    if (!ended) {
      queue.add(event);
    }
  }

  @Override
  public void end() {
    queue.add(END);
  }

  @Override
  public boolean full() {
    return !ended && queue.size() >= capacity;
  }

  @Override
  public boolean hasNext() {
    if (peeked != null) {
      return true;
    }
    if (ended && queue.isEmpty()) {
      return false;
    }
    try {
      return accept(queue.take());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public MessageEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the event iterator has ended");
    }
    MessageEvent e = Objects.requireNonNull(peeked);
    peeked = null;
    return e;
  }

  @Override
  public Optional<MessageEvent> poll(Duration timeout) throws InterruptedException {
    if (peeked == null) {
      if (ended && queue.isEmpty()) {
        return Optional.empty();
      }
      Object o = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (o == null || !accept(o)) {
        return Optional.empty();
      }
    }
    MessageEvent e = Objects.requireNonNull(peeked);
    peeked = null;
    return Optional.of(e);
  }

  private boolean accept(Object o) {
    if (o == END) {
      ended = true;
      queue.clear();
      queue.add(END); // later calls see the end again
      return false;
    }
    peeked = (MessageEvent) o;
    if (queue.size() <= capacity / 2) {
      client.resumeReading();
    }
    return true;
  }

  @Override
  public void close() {
    ended = true;
    client.remove(this);
    queue.clear();
    queue.add(END);
    client.resumeReading();
  }
}
