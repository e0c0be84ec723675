package org.ssekit.servlet;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Thread-safe and lock-free. No writer is left behind: a submitter enqueues before it checks the
 * number of running tasks, and a task decrements that number before it re-checks the queue.
 */
final class WriteDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WriteDispatcher.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ConcurrentLinkedQueue<StreamWriter> ready = new ConcurrentLinkedQueue<>();
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
    ready.add(w);
    kick();
  }

  private void kick() {
    while (true) {
      int r = running.get();
      if (r >= max || ready.isEmpty()) {
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
      while ((w = ready.poll()) != null) {
        try {
          w.drain();
        } catch (RuntimeException e) {
          log.warn("a stream writer failed", e);
        }
      }
    } finally {
      running.decrementAndGet();
    }
    if (!ready.isEmpty()) {
      kick();
    }
  }

  /** Stops the writer threads once their queue is empty; later wake-ups drain on the caller. */
  @Override
  public void close() {
    executor.shutdown();
  }
}
