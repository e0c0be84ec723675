package org.ssekit.internal.broker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ssekit.broker.BrokerClosedException;

/**
 * Whether a broker was closed, and the one way every broker module reports use after close: a
 * {@link BrokerClosedException} naming the broker. Thread-safe.
 *
 * <p>Internal: not API (see the package description).
 */
public final class ClosedGuard {

  private final String broker;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A guard for the broker named {@code broker}, e.g. {@code "RedisBroker"}. */
  public ClosedGuard(String broker) {
    this.broker = broker;
  }

  /** Marks the broker closed; true only for the first call (the one that must release things). */
  public boolean close() {
    return closed.compareAndSet(false, true);
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Throws {@link BrokerClosedException} if the broker is closed. */
  public void check() {
    if (closed.get()) {
      throw exception();
    }
  }

  /** A new exception saying the broker is closed. */
  public BrokerClosedException exception() {
    return new BrokerClosedException(broker);
  }

  /** A future failed with {@link #exception()}. */
  public <T> CompletableFuture<T> failed() {
    return CompletableFuture.failedFuture(exception());
  }

  @Override
  public String toString() {
    return broker + (closed.get() ? " (closed)" : "");
  }
}
