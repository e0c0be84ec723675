package org.ssekit.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time in submission order, on the thread that submits when no other thread is
 * running tasks (no hand-off, no thread of its own), otherwise on the thread already running them.
 * A task submitted from inside a task runs after it, on the same thread. Never blocks.
 */
final class SerialRunner {

  private static final Logger log = LoggerFactory.getLogger(SerialRunner.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();

  void execute(Runnable task) {
    tasks.add(task);
    while (!tasks.isEmpty() && running.compareAndSet(false, true)) {
      try {
        Runnable next;
        while ((next = tasks.poll()) != null) {
          try {
            next.run();
          } catch (RuntimeException | Error e) {
            log.warn("SSE client task failed", e);
          }
        }
      } finally {
        running.set(false);
      }
    }
  }
}
