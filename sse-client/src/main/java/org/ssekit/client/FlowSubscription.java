package org.ssekit.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber of {@link SseClient#publisher(int)}: buffers events beyond the subscriber's demand
 * (the client pauses reading while {@code capacity} are buffered) and emits them with a
 * work-in-progress loop, so signals to the subscriber are serialized whichever thread offers
 * events, requests or cancels.
 */
final class FlowSubscription implements Flow.Subscription, Sink {

  private static final Logger log = LoggerFactory.getLogger(FlowSubscription.class);

  private final SseClient client;
  private final Flow.Subscriber<? super MessageEvent> subscriber;
  private final int capacity;
  private final Queue<MessageEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean started;
  private volatile boolean ended;
  private volatile boolean cancelled;
  private volatile @Nullable IllegalArgumentException badRequest;

  FlowSubscription(SseClient client, Flow.Subscriber<? super MessageEvent> subscriber, int capacity) {
    this.client = client;
    this.subscriber = subscriber;
    this.capacity = capacity;
  }

  /** Calls {@code onSubscribe}; no other signal precedes it. */
  void start() {
    try {
      subscriber.onSubscribe(this);
    } catch (RuntimeException e) {
      log.warn("Flow.Subscriber.onSubscribe threw; cancelling", e);
      cancel();
    }
    started = true;
    drain();
  }

  @Override
  public void offer(MessageEvent event) {
    if (cancelled) {
      return;
    }
    queue.add(event);
    size.incrementAndGet();
    drain();
  }

  @Override
  public void end() {
    ended = true;
    drain();
  }

  @Override
  public boolean full() {
    return !cancelled && size.get() >= capacity;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      badRequest = new IllegalArgumentException("non-positive request (rule 3.9): " + n);
    } else {
      demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    }
    drain();
  }

  @Override
  public void cancel() {
    if (!cancelled) {
      cancelled = true;
      client.remove(this);
      drain();
      client.resumeReading();
    }
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      emit();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void emit() {
    if (!started) {
      return; // events wait in the queue until onSubscribe has returned
    }
    if (cancelled) {
      clear();
      return;
    }
    IllegalArgumentException bad = badRequest;
    if (bad != null) {
      terminate();
      signal(() -> subscriber.onError(bad));
      return;
    }
    while (!cancelled && demand.get() > 0) {
      MessageEvent e = queue.poll();
      if (e == null) {
        break;
      }
      size.decrementAndGet();
      if (demand.get() != Long.MAX_VALUE) {
        demand.decrementAndGet();
      }
      signal(() -> subscriber.onNext(e));
    }
    if (!cancelled && ended && queue.isEmpty()) {
      terminate();
      signal(subscriber::onComplete);
      return;
    }
    if (size.get() <= capacity / 2) {
      client.resumeReading();
    }
  }

  private void terminate() {
    cancelled = true;
    client.remove(this);
    clear();
  }

  private void clear() {
    queue.clear();
    size.set(0);
  }

  private void signal(Runnable signal) {
    try {
      signal.run();
    } catch (RuntimeException e) {
      // rule 2.13: a throwing subscriber is treated as cancelled
      log.warn("Flow.Subscriber threw; cancelling its subscription", e);
      if (!cancelled) {
        cancelled = true;
        client.remove(this);
      }
      clear();
    }
  }
}
