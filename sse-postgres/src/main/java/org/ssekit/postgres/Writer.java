package org.ssekit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.BrokerClosedException;
import org.ssekit.broker.DuplicateIdException;
import org.ssekit.broker.Message;
import org.ssekit.internal.broker.Backoff;
import org.ssekit.internal.broker.OutageLog;

/**
 * The publishing thread of one broker. Publishers enqueue; this thread drains the queue in
 * batches, each batch one transaction on its own connection: take the advisory lock of every
 * topic in the batch (in key order, so instances never deadlock), insert the messages and NOTIFY
 * their ids, all in one statement ({@link Schema#append}), then commit: two round trips per batch
 * whatever its size. Holding a topic's lock until commit makes ids of one topic commit in id
 * order, which is what lets listeners deliver in log order without waiting for gaps.
 *
 * <p>While the database is unreachable, queued messages wait (and the thread reconnects with
 * backoff) until their publish timeout, then fail. A batch whose commit failed with a lost
 * connection fails with the error (it may or may not have been stored; nothing is retried, so
 * nothing is duplicated). Futures complete on this thread. Pruning runs here too, between batches.
 */
final class Writer implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Writer.class);
  private static final int BATCH = 256;
  /** A batch stops growing once its payloads reach this many bytes. */
  private static final long BATCH_BYTES = 4L << 20;
  private static final Object STOP = new Object();
  private static final String UNIQUE_VIOLATION = "23505";

  /** One queued publish. */
  static final class Pending {
    final String topic;
    final Message message;
    final String metadataJson;
    final String tail;
    final long deadline;
    final CompletableFuture<Message> future = new CompletableFuture<>();

    Pending(String topic, Message message, String metadataJson, String tail, long deadline) {
      this.topic = topic;
      this.message = message;
      this.metadataJson = metadataJson;
      this.tail = tail;
      this.deadline = deadline;
    }
  }

  private final Schema schema;
  private final ConnectionFactory factory;
  private final OutageLog outage;
  private final Backoff backoff;
  private final LinkedBlockingQueue<Object> queue;
  private final CountDownLatch closing;
  private final int maxEvents;
  private final Duration maxAge;
  private final long pruneIntervalNanos;
  private final Set<String> written = new HashSet<>();
  private @Nullable Connection conn;
  private @Nullable PreparedStatement append;
  private boolean down;
  private long nextPrune;

  Writer(
      Schema schema,
      ConnectionFactory factory,
      OutageLog outage,
      Backoff backoff,
      int queueCapacity,
      CountDownLatch closing,
      int maxEvents,
      Duration maxAge,
      Duration pruneInterval) {
    this.schema = schema;
    this.factory = factory;
    this.outage = outage;
    this.backoff = backoff;
    this.queue = new LinkedBlockingQueue<>(queueCapacity);
    this.closing = closing;
    this.maxEvents = maxEvents;
    this.maxAge = maxAge;
    this.pruneIntervalNanos = pruneInterval.toNanos();
    this.nextPrune = System.nanoTime() + pruneIntervalNanos;
  }

  /** Queues {@code p}; false if the queue is full. Any thread. */
  boolean offer(Pending p) {
    return queue.offer(p);
  }

  /** Wakes the thread so it sees that the broker is closing. Any thread. */
  void stop() {
    queue.offer(STOP); // if the queue is full the thread is busy and sees the latch soon
  }

  /** Asks the thread to prune now; the future completes when it did. Any thread (tests). */
  CompletableFuture<Void> pruneNow() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (!queue.offer(f)) {
      f.completeExceptionally(new IllegalStateException("publish queue is full"));
    }
    return f;
  }

  @Override
  public void run() {
    List<Pending> batch = new ArrayList<>();
    List<Object> drained = new ArrayList<>();
    try {
      while (closing.getCount() > 0) {
        long wait = down ? 1 : Math.max(1, (nextPrune - System.nanoTime()) / 1_000_000);
        Object first = queue.poll(wait, TimeUnit.MILLISECONDS);
        List<CompletableFuture<Void>> pruneRequests = new ArrayList<>();
        if (first == null && down) {
          connect(); // reconnect while idle too, so the outage ends (and is logged) when it ends
        }
        if (first != null) {
          drained.add(first);
          queue.drainTo(drained, BATCH - 1);
          for (Object o : drained) {
            if (o instanceof Pending) {
              batch.add((Pending) o);
            } else if (o != STOP) {
              @SuppressWarnings("unchecked")
              CompletableFuture<Void> f = (CompletableFuture<Void>) o;
              pruneRequests.add(f);
            }
          }
          drained.clear();
          writeInChunks(batch);
          batch.clear();
        }
        if (!pruneRequests.isEmpty() || System.nanoTime() - nextPrune >= 0) {
          prune(pruneRequests);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failAll(new BrokerClosedException("PostgresBroker"), batch);
      closeConnection();
    }
  }

  private void failAll(RuntimeException e, List<Pending> batch) {
    for (Pending p : batch) {
      p.future.completeExceptionally(e);
    }
    Object o;
    while ((o = queue.poll()) != null) {
      if (o instanceof Pending) {
        ((Pending) o).future.completeExceptionally(e);
      } else if (o != STOP) {
        ((CompletableFuture<?>) o).completeExceptionally(e);
      }
    }
  }

  /** Writes {@code all} in order, in batches of at most {@link #BATCH_BYTES} of payload. */
  private void writeInChunks(List<Pending> all) throws InterruptedException {
    int from = 0;
    while (from < all.size()) {
      int to = from;
      long bytes = 0;
      while (to < all.size() && (to == from || bytes + all.get(to).message.payloadLength() <= BATCH_BYTES)) {
        bytes += all.get(to).message.payloadLength();
        to++;
      }
      List<Pending> chunk = new ArrayList<>(all.subList(from, to));
      try {
        write(chunk);
      } catch (RuntimeException e) {
        log.error("publishing to {} failed unexpectedly", schema.table, e);
        chunk.forEach(p -> p.future.completeExceptionally(e));
        closeConnection();
      }
      from = to;
    }
  }

  private void write(List<Pending> batch) throws InterruptedException {
    while (!batch.isEmpty()) {
      long now = System.nanoTime();
      for (Iterator<Pending> it = batch.iterator(); it.hasNext(); ) {
        Pending p = it.next();
        if (now - p.deadline >= 0) {
          p.future.completeExceptionally(
              new TimeoutException("PostgreSQL did not accept the message in time (database unreachable)"));
          it.remove();
        }
      }
      if (closing.getCount() == 0) {
        failAll(new BrokerClosedException("PostgresBroker"), batch);
        batch.clear();
        return;
      }
      if (batch.isEmpty() || !connect()) {
        continue;
      }
      Connection c = conn;
      boolean committing = false;
      try {
        long[] ids = insert(batch);
        committing = true;
        c.commit();
        for (int i = 0; i < batch.size(); i++) {
          Pending p = batch.get(i);
          written.add(p.topic);
          p.future.complete(p.message.id().isPresent() ? p.message : p.message.withId(Long.toString(ids[i])));
        }
        batch.clear();
      } catch (SQLException e) {
        rollbackQuietly();
        if (Schema.isConnectionError(e) || isClosed()) {
          lost(e);
          if (committing) {
            // the commit may or may not have happened: report it rather than risk a duplicate
            for (Pending p : batch) {
              p.future.completeExceptionally(e);
            }
            batch.clear();
          }
          continue; // reconnect and retry what was not committed
        }
        if (batch.size() == 1) {
          Pending p = batch.get(0);
          p.future.completeExceptionally(
              UNIQUE_VIOLATION.equals(e.getSQLState()) && p.message.id().isPresent()
                  ? new DuplicateIdException(p.topic, p.message.id().get())
                  : e);
          batch.clear();
        } else {
          // one bad message must not fail the others: retry them one by one
          List<Pending> rest = new ArrayList<>(batch);
          batch.clear();
          for (Pending p : rest) {
            List<Pending> one = new ArrayList<>(List.of(p));
            write(one);
          }
        }
      }
    }
  }

  /** Appends {@code batch} in the current transaction; the ids in batch order. */
  private long[] insert(List<Pending> batch) throws SQLException {
    Connection c = conn;
    PreparedStatement append = this.append;
    if (c == null || append == null) {
      throw new SQLException("not connected", "08003");
    }
    int n = batch.size();
    String[] topics = new String[n];
    byte[][] payloads = new byte[n][];
    String[] metadata = new String[n];
    String[] tails = new String[n];
    String[] own = new String[n];
    TreeSet<Integer> keys = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      Pending p = batch.get(i);
      topics[i] = p.topic;
      payloads[i] = p.message.payload();
      metadata[i] = p.metadataJson;
      tails[i] = p.tail;
      own[i] = p.message.id().orElse(null);
      keys.add(Schema.topicKey(p.topic));
    }
    append.setArray(1, c.createArrayOf("text", topics));
    append.setArray(2, c.createArrayOf("bytea", payloads));
    append.setArray(3, c.createArrayOf("text", metadata));
    append.setArray(4, c.createArrayOf("text", tails));
    append.setArray(5, c.createArrayOf("text", own));
    append.setInt(6, schema.lockClass);
    // ascending key order: two instances never wait for each other's locks in a cycle
    append.setArray(7, c.createArrayOf("int4", keys.toArray(new Integer[0])));
    append.setString(8, schema.channel);
    long[] ids = new long[n];
    int found = 0;
    try (ResultSet rs = append.executeQuery()) {
      while (rs.next()) {
        int k = rs.getInt(1) - 1;
        if (k < 0 || k >= n || ids[k] != 0) {
          throw new SQLException("append returned an unexpected row number " + (k + 1));
        }
        ids[k] = rs.getLong(2);
        found++;
      }
    }
    if (found != n) {
      throw new SQLException("append returned " + found + " ids for " + n + " messages");
    }
    return ids;
  }

  private void prune(List<CompletableFuture<Void>> requests) throws InterruptedException {
    nextPrune = System.nanoTime() + pruneIntervalNanos;
    if (!connect()) {
      requests.forEach(f -> f.completeExceptionally(new IllegalStateException("PostgreSQL is unreachable")));
      return;
    }
    Connection c = conn;
    if (c == null) {
      return;
    }
    try {
      long deleted = 0;
      try (PreparedStatement age = c.prepareStatement(schema.pruneAge)) {
        age.setDouble(1, maxAge.toMillis() / 1000.0);
        deleted += age.executeUpdate();
        c.commit();
      }
      try (PreparedStatement trim = c.prepareStatement(schema.trim)) {
        for (String topic : written) {
          trim.setString(1, topic);
          trim.setString(2, topic);
          trim.setInt(3, maxEvents);
          deleted += trim.executeUpdate();
          c.commit(); // one short transaction per statement: instances pruning at once rarely collide
        }
      }
      written.clear();
      log.debug("pruned {} rows of {}", deleted, schema.table);
      requests.forEach(f -> f.complete(null));
    } catch (SQLException e) {
      rollbackQuietly();
      if (Schema.isConnectionError(e) || isClosed()) {
        lost(e);
      } else if ("40P01".equals(e.getSQLState())) {
        log.debug("pruning {} collided with another instance's; next time", schema.table, e);
      } else {
        log.warn("pruning {} failed", schema.table, e);
      }
      requests.forEach(f -> f.completeExceptionally(e));
    }
  }

  /** Makes sure there is a connection; on failure waits one backoff step and returns false. */
  private boolean connect() throws InterruptedException {
    if (conn != null) {
      return true;
    }
    try {
      Connection c = factory.open();
      c.setAutoCommit(false);
      append = c.prepareStatement(schema.append);
      conn = c;
      backoff.reset();
      down = false;
      outage.recovered("writer");
      return true;
    } catch (SQLException e) {
      closeConnection();
      down = true;
      outage.lost("writer", e);
      closing.await(backoff.nextMillis(), TimeUnit.MILLISECONDS);
      return false;
    }
  }

  /**
   * Drops a connection that failed. Not yet an outage: a connection that died while idle (the
   * database restarted since) is replaced at once; only a failed reconnect counts as one.
   */
  private void lost(SQLException e) {
    closeConnection();
    log.debug("writer connection to {} failed; reconnecting", schema.table, e);
  }

  private boolean isClosed() {
    try {
      return conn == null || conn.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private void rollbackQuietly() {
    try {
      if (conn != null && !conn.isClosed()) {
        conn.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is being discarded anyway
    }
  }

  private void closeConnection() {
    ConnectionPool.closeQuietly(append);
    append = null;
    ConnectionPool.closeQuietly(conn);
    conn = null;
  }
}
