package org.ssekit.internal.broker;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories of the broker modules: the default one (daemon threads with a visible name),
 * and the rule for threads of an injected factory (they keep their names unless those are the
 * JDK's {@code Thread-N} defaults).
 *
 * <p>Internal: not API (see the package description).
 */
public final class Threads {

  private Threads() {}

  /**
   * A factory of daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ... (numbered per
   * factory).
   */
  public static ThreadFactory daemon(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The default factory of the broker modules: daemon threads, unnamed, so that {@link
   * #newThread} gives each the name its role has.
   */
  public static ThreadFactory defaultFactory() {
    return r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A new (not started) thread of {@code factory} running {@code task}, named {@code name} unless
   * the factory gave it a name of its own.
   *
   * @throws IllegalStateException if the factory returns null
   */
  public static Thread newThread(ThreadFactory factory, Runnable task, String name) {
    Thread t = factory.newThread(task);
    if (t == null) {
      throw new IllegalStateException("thread factory returned null for " + name);
    }
    if (t.getName().startsWith("Thread-")) {
      t.setName(name);
    }
    return t;
  }
}
