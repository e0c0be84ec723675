package org.ssekit.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: the test inspects what was scheduled (and with which
 * delay) and runs tasks when it wants. Only {@code schedule(Runnable, long, TimeUnit)} is
 * supported, which is all {@link SseClient} uses.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  /** A scheduled task. */
  static final class Task extends FutureTask<Object> implements ScheduledFuture<Object> {
    final long delayNanos;

    Task(Runnable r, long delayNanos) {
      super(r, null);
      this.delayNanos = delayNanos;
    }

    long delayMillis() {
      return TimeUnit.NANOSECONDS.toMillis(delayNanos);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(delayNanos, o.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  private final List<Task> tasks = new ArrayList<>();

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task t = new Task(command, unit.toNanos(delay));
    tasks.add(t);
    return t;
  }

  /** Tasks scheduled and neither run nor cancelled, oldest first. */
  synchronized List<Task> pending() {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks) {
      if (!t.isDone()) {
        out.add(t);
      }
    }
    return out;
  }

  /** Every task ever scheduled, oldest first. */
  synchronized List<Task> all() {
    return List.copyOf(tasks);
  }

  /** Runs the oldest pending task; fails if there is none. */
  Task runNext() {
    List<Task> p = pending();
    if (p.isEmpty()) {
      throw new AssertionError("nothing scheduled");
    }
    Task t = p.get(0);
    t.run();
    return t;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable r, long i, long p, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable r, long i, long d, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void shutdown() {}

  @Override
  public List<Runnable> shutdownNow() {
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }
}
