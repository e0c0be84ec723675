package org.ssekit.internal.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs woken stream writers on a few writer threads of its own, at most {@code max} at a time: the
 * hand-off a transport uses between the hub's wake-up (on the publisher's thread) and its
 * non-blocking writes. Internal: public for ssekit's transports ({@code sse-servlet},
 * {@code sse-jetty}).
 *
 * <p>A heartbeat or a broadcast wakes every stream at once; woken writers wait in one queue and
 * up to {@code max} tasks drain it, each on a thread of a small pool owned by the dispatcher
 * ({@code ssekit-writer-N}, created on demand, gone after 30 s without work). Writes must stay
 * non-blocking, so that a task never waits on a slow client: a writer whose socket is full returns
 * and is resumed by the container's own callback on the container's thread. One task per woken
 * stream on the container's pool costs a hand-off per stream and event; at a broadcast to 10,000
 * streams that is what bounds the rate.
 *
 * <p>The queue of woken writers is intrusive: a writer is in it at most once (only its owner
 * submits it, and the owner is either queued or running), so it links through its own {@link
 * Ready#nextReady} and a wake-up allocates nothing. Submitting is one atomic swap of the tail
 * (Vyukov's multi-producer queue, with a stub link); the tasks take writers one at a time under a
 * short token.
 *
 * <p>Thread-safe. No writer is left behind: a submitter enqueues before it checks the number of
 * running tasks, and a task decrements that number before it re-checks the queue; {@link
 * #isEmpty()} is false from the moment a writer is swapped in until it is taken.
 */
public final class WriteDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WriteDispatcher.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private static final VarHandle TAIL;
  private static final VarHandle HEAD;
  private static final VarHandle TAKING;
  private static final VarHandle NEXT;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TAIL = l.findVarHandle(WriteDispatcher.class, "tail", Ready.class);
      HEAD = l.findVarHandle(WriteDispatcher.class, "head", Ready.class);
      TAKING = l.findVarHandle(WriteDispatcher.class, "taking", int.class);
      NEXT = l.findVarHandle(Ready.class, "nextReady", Ready.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A writer, as the dispatcher sees it: its link in the queue of woken writers and the work it
   * does when taken. A writer is submitted only by the thread that owns it (so it is queued at
   * most once); {@link #drain()} runs on a writer thread.
   */
  public abstract static class Ready {
    /** The writer queued after this one; null while this one is the newest or not queued. */
    volatile @Nullable Ready nextReady;

    /** For subclasses. */
    protected Ready() {}

    /** Writes what the stream has queued, without blocking; runs on a writer thread. */
    protected abstract void drain();
  }

  /** The stub link: never drained. */
  private static final class Stub extends Ready {
    @Override
    protected void drain() {
      throw new IllegalStateException("the stub is never taken");
    }
  }

  /** Stands in the queue while no writer does, so producers and takers never touch one link. */
  private final Ready stub = new Stub();
  /** The newest link; producers swap it. */
  private volatile Ready tail = stub;
  /** The oldest link (or the stub); written under {@link #taking}, read by {@link #isEmpty()}. */
  private volatile Ready head = stub;
  /** 1 while a task takes a writer. */
  @SuppressWarnings("unused") // through TAKING
  private volatile int taking;
  private final AtomicInteger running = new AtomicInteger();
  private final int max;
  private final ThreadPoolExecutor executor;

  /**
   * @param max the most writers drained at once, and so the most writer threads
   * @throws IllegalArgumentException if {@code max} is less than 1
   */
  public WriteDispatcher(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    this.max = max;
    this.executor =
        new ThreadPoolExecutor(
            max,
            max,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "ssekit-writer-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** Queues {@code w}, which its caller just took ownership of, and makes sure a task runs. */
  public void submit(Ready w) {
    push(w);
    kick();
  }

  private void push(Ready r) {
    NEXT.set(r, (Ready) null); // ordered before the swap publishes it
    Ready prev = (Ready) TAIL.getAndSet(this, r);
    NEXT.setRelease(prev, r);
  }

  /** True when no writer is queued; false while one is being linked in. */
  private boolean isEmpty() {
    return tail == stub && head == stub;
  }

  /**
   * Takes the oldest writer, or null when none is queued or the newest one is still being linked
   * in (its submitter then finds a task running, or starts one).
   */
  private @Nullable Ready take() {
    for (int spins = 0; !TAKING.compareAndSet(this, 0, 1); spins++) {
      if (spins < 64) {
        Thread.onSpinWait(); // another task holds it for a few instructions
      } else {
        Thread.yield(); // unless it lost its core: two cores are common
      }
    }
    try {
      Ready h = head;
      Ready next = h.nextReady;
      if (h == stub) {
        if (next == null) {
          return null;
        }
        HEAD.setRelease(this, next);
        h = next;
        next = next.nextReady;
      }
      if (next != null) {
        HEAD.setRelease(this, next);
        return h;
      }
      if (h != tail) {
        return null; // a submitter swapped the tail and has not linked it yet
      }
      push(stub); // h is the last: put the stub behind it so that h can leave
      next = h.nextReady;
      if (next != null) {
        HEAD.setRelease(this, next);
        return h;
      }
      return null;
    } finally {
      TAKING.setRelease(this, 0);
    }
  }

  private void kick() {
    while (true) {
      int r = running.get();
      if (r >= max || isEmpty()) {
        return;
      }
      if (running.compareAndSet(r, r + 1)) {
        try {
          executor.execute(this::run);
        } catch (RejectedExecutionException e) {
          // closed: drain here; the writes are non-blocking, so this cannot stall the caller long
          run();
        }
        return;
      }
    }
  }

  private void run() {
    try {
      Ready w;
      while ((w = take()) != null) {
        try {
          w.drain();
        } catch (RuntimeException e) {
          log.warn("a stream writer failed", e);
        }
      }
    } finally {
      running.decrementAndGet();
    }
    if (!isEmpty()) {
      kick();
    }
  }

  /** Stops the writer threads once their queue is empty; later wake-ups drain on the caller. */
  @Override
  public void close() {
    executor.shutdown();
  }
}
