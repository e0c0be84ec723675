package org.ssekit.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A small pool of autocommit connections for short queries (history reads, wake-ups). At most
 * {@code max} connections exist; a caller blocks up to the operation timeout for one. A
 * connection that failed with a connection error is discarded, and a call that failed on a stale
 * idle connection is retried once on a fresh one. Thread-safe.
 */
final class ConnectionPool implements AutoCloseable {

  /** Work done on a borrowed connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final ConnectionFactory factory;
  private final Semaphore permits;
  private final long timeoutNanos;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  ConnectionPool(ConnectionFactory factory, int max, Duration timeout) {
    this.factory = factory;
    this.permits = new Semaphore(max, true);
    this.timeoutNanos = timeout.toNanos();
  }

  /**
   * Runs {@code work} on a pooled connection, blocking the caller for the query.
   *
   * @throws SQLException when the work failed or no connection could be had in time
   */
  <T> T run(Work<T> work) throws SQLException {
    return run(work, timeoutNanos);
  }

  /**
   * Runs {@code work} only if a connection is free at once (a new one may still be opened).
   *
   * @return whether it ran
   */
  boolean runIfFree(Work<?> work) throws SQLException {
    if (!permits.tryAcquire()) {
      return false;
    }
    permits.release();
    run(work, 0);
    return true;
  }

  private <T> T run(Work<T> work, long waitNanos) throws SQLException {
    try {
      if (!permits.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
        throw new SQLException("no PostgreSQL connection free within " + Duration.ofNanos(waitNanos), "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a PostgreSQL connection", "08001", e);
    }
    try {
      Connection c = idle.pollFirst();
      boolean fresh = c == null;
      if (c == null) {
        c = open();
      }
      try {
        T result = work.run(c);
        release(c);
        return result;
      } catch (SQLException e) {
        discardIfBroken(c, e);
        if (fresh || !Schema.isConnectionError(e)) {
          throw e;
        }
      }
      // the idle connection had gone stale (an outage since its last use): one more try
      Connection retry = open();
      try {
        T result = work.run(retry);
        release(retry);
        return result;
      } catch (SQLException e) {
        discardIfBroken(retry, e);
        throw e;
      }
    } finally {
      permits.release();
    }
  }

  private Connection open() throws SQLException {
    if (closed) {
      throw new SQLException("broker is closed", "08003");
    }
    Connection c = factory.open();
    try {
      c.setAutoCommit(true); // a DataSource may hand out connections in manual-commit mode
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  private void release(Connection c) {
    if (closed) {
      closeQuietly(c);
    } else {
      idle.addFirst(c);
    }
  }

  private void discardIfBroken(Connection c, SQLException e) {
    boolean broken = Schema.isConnectionError(e);
    try {
      broken |= c.isClosed();
    } catch (SQLException ignored) {
      broken = true;
    }
    if (broken || closed) {
      closeQuietly(c);
    } else {
      idle.addFirst(c);
    }
  }

  static void closeQuietly(@Nullable AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing a connection that may already be dead
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      closeQuietly(c);
    }
  }
}
