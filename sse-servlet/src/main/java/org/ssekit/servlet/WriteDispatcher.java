package org.ssekit.servlet;

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
 * Runs woken {@link StreamWriter}s on the router's writer threads, at most {@code max} at a time.
 *
 * <p>A heartbeat or a broadcast wakes every stream at once; woken writers wait in one queue and
 * up to {@code max} tasks drain it, each on a thread of a small pool owned by the router ({@code
 * ssekit-writer-N}, created on demand, gone after 30 s without work). Writes stay non-blocking, so
 * a task never waits on a slow client: a writer whose socket is full returns and is resumed by its
 * own {@code onWritePossible}, which the container calls on its own thread.
 *
 * <p>Why not the container's threads through {@code AsyncContext.start} of a woken stream: that
 * runs the task only while that one response is alive. On Jetty 12 a response that ends between
 * the submit and the run drops the task (it fails before calling it), which would lose the
 * dispatcher's slot for good and, after {@code max} such losses, stop every write.
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
final class WriteDispatcher implements AutoCloseable {

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

  /** A writer's link in the queue of woken writers. */
  static class Ready {
    /** The writer queued after this one; null while this one is the newest or not queued. */
    volatile @Nullable Ready nextReady;
  }

  /** Stands in the queue while no writer does, so producers and takers never touch one link. */
  private final Ready stub = new Ready();
  /** The newest link; producers swap it. */
  private volatile Ready tail = stub;
  /** The oldest link (or the stub); written under {@link #taking}, read by {@link #isEmpty()}. */
  private volatile Ready head = stub;
  /** 1 while a task takes a writer. */
  @SuppressWarnings("unused") // through TAKING
  private volatile int taking;
  private final AtomicInteger running = new AtomicInteger();
  private final int max;
  private final BufferPool buffers;
  private final ThreadPoolExecutor executor;

  WriteDispatcher(int max) {
    this.max = max;
    // enough idle buffers for every write task and container callback to have one at hand
    this.buffers = new BufferPool(StreamWriter.BATCH_BYTES, Math.max(64, 16 * max));
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

  /** The batch buffers of this router's writers. */
  BufferPool buffers() {
    return buffers;
  }

  /** Queues {@code w}, which its caller just took ownership of, and makes sure a task runs. */
  void submit(StreamWriter w) {
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
  private @Nullable StreamWriter take() {
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
        return (StreamWriter) h;
      }
      if (h != tail) {
        return null; // a submitter swapped the tail and has not linked it yet
      }
      push(stub); // h is the last: put the stub behind it so that h can leave
      next = h.nextReady;
      if (next != null) {
        HEAD.setRelease(this, next);
        return (StreamWriter) h;
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
      StreamWriter w;
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
