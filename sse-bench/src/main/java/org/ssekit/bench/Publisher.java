package org.ssekit.bench;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-process publisher: one thread publishing at a fixed or Poisson rate to topics {@code
 * t0..t(n-1)} chosen uniformly at random, or, with hot topics, half of them among the last {@code
 * hot} topics (where S5 puts its never-reading subscribers, so that their queues fill). Each event's data starts with its intended publish time
 * ({@link System#nanoTime()}), then a sequence number, padded to the event size. When the server's
 * publish call is slower than the schedule, the publisher falls behind and the intended times
 * stay where the schedule put them, so the generator sees the delay as latency.
 */
final class Publisher implements Runnable {
  private final BenchServer server;
  private final int topics;
  /** The last this many topics get {@link Scenario#HOT_SHARE} of the publishes. */
  private final int hot;
  private final double rate;
  private final int size;
  private final boolean poisson;
  private final long durationNanos;
  final AtomicLongArray perTopic;
  private volatile boolean stopped;
  private volatile long published;
  private volatile long maxLagNanos;
  private volatile long errors;
  /** Time spent inside the server's publish call: near the window, the publisher is the bound. */
  private volatile long busyNanos;
  /** When the publish call in progress began; 0 between calls. */
  private volatile long callStarted;
  private final Thread thread;

  Publisher(
      BenchServer server, int topics, double rate, int size, boolean poisson, double seconds, int hot) {
    this.hot = Math.min(hot, topics);
    this.server = server;
    this.topics = topics;
    this.rate = rate;
    this.size = size;
    this.poisson = poisson;
    this.durationNanos = (long) (seconds * 1e9);
    this.perTopic = new AtomicLongArray(topics);
    this.thread = new Thread(this, "bench-publisher");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() throws InterruptedException {
    stopped = true;
    LockSupport.unpark(thread);
    thread.join(5_000); // a blocked broadcast (a peer writing to a full socket) is left running
  }

  long published() {
    return published;
  }

  long maxLagNanos() {
    return maxLagNanos;
  }

  long errors() {
    return errors;
  }

  /** Time spent in publish calls so far, the one in progress included (a call may never return). */
  long busyNanos() {
    long started = callStarted;
    return busyNanos + (started == 0 ? 0 : System.nanoTime() - started);
  }

  @Override
  public void run() {
    SplittableRandom random = new SplittableRandom(42);
    long start = System.nanoTime();
    long end = start + durationNanos;
    double meanGap = 1e9 / rate;
    double t = start;
    long seq = 0;
    StringBuilder sb = new StringBuilder(size + 32);
    while (!stopped) {
      long intended = (long) t;
      if (intended >= end) {
        break;
      }
      long now = System.nanoTime();
      if (now < intended) {
        LockSupport.parkNanos(intended - now);
        continue;
      }
      maxLagNanos = Math.max(maxLagNanos, now - intended);
      int topic =
          topics == 1
              ? 0
              : hot > 0 && random.nextDouble() < Scenario.HOT_SHARE
                  ? topics - 1 - random.nextInt(hot)
                  : random.nextInt(topics);
      sb.setLength(0);
      sb.append(intended).append(' ').append(seq).append(' ');
      while (sb.length() < size) {
        sb.append('x');
      }
      String data = sb.toString();
      long called = System.nanoTime();
      callStarted = called;
      try {
        server.publish("t" + topic, data);
      } catch (RuntimeException e) {
        if (errors++ == 0) {
          System.err.println("publish failed: " + e);
          e.printStackTrace();
        }
      }
      busyNanos += System.nanoTime() - called; // one writer: this thread
      callStarted = 0;
      perTopic.incrementAndGet(topic);
      published = ++seq;
      t += poisson ? -Math.log(1 - random.nextDouble()) * meanGap : meanGap;
    }
  }
}
