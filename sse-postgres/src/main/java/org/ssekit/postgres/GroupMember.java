package org.ssekit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.internal.broker.Backoff;
import org.ssekit.internal.broker.OutageLog;

/**
 * One member of a consumer group on a topic, on a thread and a connection of its own. The group's
 * position is a row of the groups table; a member handles the rows after it while holding that
 * row locked ({@code FOR UPDATE SKIP LOCKED}), then moves it and commits, so among all members of
 * all instances one handles each batch. A member whose process dies loses its lock with its
 * connection, and another member goes on from the last committed position. At least once: a
 * batch whose commit failed is handled again.
 *
 * <p>The member wakes up on every live message of the topic (a subscription on the broker's
 * listener releases a permit) and, as a fallback, every second.
 */
final class GroupMember implements Runnable, Subscriber.Subscription {

  private static final Logger log = LoggerFactory.getLogger(GroupMember.class);
  private static final int BATCH = 100;

  private final Schema schema;
  private final ConnectionFactory factory;
  private final String topic;
  private final String group;
  private final Subscriber.MessageHandler handler;
  private final Backoff backoff;
  private final OutageLog outage;
  private final String component;
  private final CountDownLatch brokerClosing;
  private final Semaphore signal = new Semaphore(0);
  private volatile boolean closed;
  private volatile Subscriber.@Nullable Subscription wake;
  private volatile @Nullable Thread thread;
  private @Nullable Connection conn;

  GroupMember(
      Schema schema,
      ConnectionFactory factory,
      String topic,
      String group,
      Subscriber.MessageHandler handler,
      Backoff backoff,
      OutageLog outage,
      CountDownLatch brokerClosing) {
    this.schema = schema;
    this.factory = factory;
    this.topic = topic;
    this.group = group;
    this.handler = handler;
    this.backoff = backoff;
    this.outage = outage;
    this.component = "group " + group + " of topic " + topic + " (" + Integer.toHexString(System.identityHashCode(this)) + ")";
    this.brokerClosing = brokerClosing;
  }

  /** Creates the group at the topic's end if it does not exist yet. Caller's thread. */
  static void create(Connection c, Schema schema, String topic, String group) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(schema.groupCreate)) {
      st.setString(1, group);
      st.setString(2, topic);
      st.setString(3, topic);
      st.executeUpdate();
    }
  }

  /** Wakes the member (a new message arrived); any thread. */
  void signal() {
    signal.release();
  }

  void start(Subscriber.Subscription wake, Thread thread) {
    this.wake = wake;
    this.thread = thread;
    thread.start();
  }

  private boolean running() {
    return !closed && brokerClosing.getCount() > 0;
  }

  @Override
  public void run() {
    try {
      while (running()) {
        int handled;
        try {
          handled = processOnce();
          outage.recovered(component);
          backoff.reset();
        } catch (SQLException e) {
          rollbackAndClose();
          outage.lost(component, e);
          signal.tryAcquire(backoff.nextMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        if (handled < BATCH) {
          signal.tryAcquire(1, TimeUnit.SECONDS);
          signal.drainPermits();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      rollbackAndClose();
      outage.forget(component);
    }
  }

  /** Handles the next rows if this member gets the group's lock; how many, 0 if none or locked. */
  private int processOnce() throws SQLException {
    Connection c = conn;
    if (c == null) {
      c = factory.open();
      c.setAutoCommit(false);
      conn = c;
    }
    long last;
    try (PreparedStatement st = c.prepareStatement(schema.groupLock)) {
      st.setString(1, group);
      st.setString(2, topic);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          c.rollback(); // another member holds it (or the group is gone)
          return 0;
        }
        last = rs.getLong(1);
      }
    }
    List<Rows.Row> batch = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(schema.readAfter)) {
      st.setString(1, topic);
      st.setLong(2, last);
      st.setInt(3, BATCH);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          batch.add(Rows.row(rs));
        }
      }
    }
    if (batch.isEmpty()) {
      c.rollback();
      return 0;
    }
    long handledUpTo = last;
    for (Rows.Row row : batch) {
      if (!running()) {
        break;
      }
      Message m = row.message();
      try {
        handler.onMessage(topic, m);
      } catch (RuntimeException e) {
        log.warn("consumer group {} handler of topic {} failed on {}", group, topic, m, e);
      }
      handledUpTo = row.id();
    }
    try (PreparedStatement st = c.prepareStatement(schema.groupAdvance)) {
      st.setLong(1, handledUpTo);
      st.setString(2, group);
      st.setString(3, topic);
      st.executeUpdate();
    }
    c.commit();
    return batch.size();
  }

  private void rollbackAndClose() {
    Connection c = conn;
    conn = null;
    if (c != null) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // the connection is being closed anyway
      }
      ConnectionPool.closeQuietly(c);
    }
  }

  /** Stops the member: no handler call starts after this; waits up to two seconds for the thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Subscriber.Subscription w = wake;
    if (w != null) {
      w.close();
    }
    signal.release();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
