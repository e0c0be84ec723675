package org.ssekit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.BrokerClosedException;
import org.ssekit.broker.Message;
import org.ssekit.internal.broker.Backoff;
import org.ssekit.internal.broker.OutageLog;
import org.ssekit.broker.Subscriber;
import org.ssekit.internal.broker.LogCursor;

/**
 * The receiving thread of one broker: owns a dedicated connection that {@code LISTEN}s on the
 * broker's channel, and delivers to every subscription of this instance.
 *
 * <p>All subscription state is confined to this thread: {@link #subscribe} hands a command over
 * and waits for it. Each subscription keeps the id of the last message it delivered. A
 * notification whose {@code prev} equals that id and that carries the message is delivered as
 * is; any other newer notification (a message too large to inline, or a gap) makes the thread read
 * the topic's rows after the last delivered id on its connection. After an outage it reconnects
 * with backoff, {@code LISTEN}s again and then reads every subscription's rows after its last
 * delivered id, so what was appended meanwhile is delivered in order before anything newer.
 *
 * <p>Handlers run on this thread, one message at a time; a slow handler delays every topic of
 * this instance.
 */
final class Listener implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Listener.class);
  private static final int POLL_MILLIS = 100;
  private static final long HEALTH_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int READ_BATCH = 500;

  private final Schema schema;
  private final String wakeChannel;
  private final ConnectionFactory factory;
  private final OutageLog outage;
  private final Backoff backoff;
  private final CountDownLatch closing;
  private final Duration timeout;
  private final Runnable waker;
  private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
  private final Map<String, List<Sub>> subs = new HashMap<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private @Nullable Connection conn;
  private @Nullable PGConnection pg;
  private @Nullable PreparedStatement maxId;
  private @Nullable PreparedStatement read;
  private @Nullable PreparedStatement readChecked;
  private volatile @Nullable Thread thread;
  private long lastTraffic;

  Listener(
      Schema schema,
      String wakeChannel,
      ConnectionFactory factory,
      OutageLog outage,
      Backoff backoff,
      CountDownLatch closing,
      Duration timeout,
      Runnable waker) {
    this.schema = schema;
    this.wakeChannel = wakeChannel;
    this.factory = factory;
    this.outage = outage;
    this.backoff = backoff;
    this.closing = closing;
    this.timeout = timeout;
    this.waker = waker;
  }

  /** A subscription: its handler and its position; its cursor is touched by this thread only. */
  final class Sub implements Subscriber.Subscription {
    final String topic;
    final Subscriber.MessageHandler handler;
    LogCursor cursor = new LogCursor(0);
    volatile boolean closed;

    Sub(String topic, Subscriber.MessageHandler handler) {
      this.topic = topic;
      this.handler = handler;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        commands.add(c -> remove(this));
      }
    }
  }

  /** Work for this thread that needs the connection; retried after a reconnect if it failed. */
  @FunctionalInterface
  private interface Command {
    void run(Connection c) throws SQLException;

    /** Called instead of {@link #run} when the broker closes first. */
    default void abort() {}
  }

  /** Completes once the first connection listens, or fails when it could not be made. */
  CompletableFuture<Void> started() {
    return started;
  }

  /**
   * Subscribes from the caller's thread: blocks until this thread has fixed the subscription's
   * start (the topic's newest id, read after {@code LISTEN} was active) or the timeout passed.
   */
  Subscriber.Subscription subscribe(String topic, Subscriber.MessageHandler handler) {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("subscribe must not be called from a message handler");
    }
    Sub s = new Sub(topic, handler);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    commands.add(
        new Command() {
          @Override
          public void run(Connection c) throws SQLException {
            start(s, ready);
          }

          @Override
          public void abort() {
            ready.completeExceptionally(new BrokerClosedException("PostgresBroker"));
          }
        });
    if (closing.getCount() == 0) {
      abortCommands();
    }
    waker.run();
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return s;
    } catch (TimeoutException e) {
      s.close();
      throw new IllegalStateException(
          "cannot subscribe to " + topic + ": PostgreSQL did not answer within " + timeout, e);
    } catch (ExecutionException e) {
      s.close();
      throw new IllegalStateException("cannot subscribe to " + topic, e.getCause());
    } catch (InterruptedException e) {
      s.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while subscribing to " + topic, e);
    }
  }

  private void start(Sub s, CompletableFuture<Void> ready) throws SQLException {
    if (s.closed) {
      ready.complete(null);
      return;
    }
    PreparedStatement st = maxId;
    if (st == null) {
      throw new SQLException("not connected", "08003");
    }
    st.setString(1, s.topic);
    try (ResultSet rs = st.executeQuery()) {
      rs.next();
      s.cursor = new LogCursor(rs.getLong(1));
    }
    subs.computeIfAbsent(s.topic, t -> new ArrayList<>()).add(s);
    ready.complete(null);
  }

  private void remove(Sub s) {
    List<Sub> list = subs.get(s.topic);
    if (list != null && list.remove(s) && list.isEmpty()) {
      subs.remove(s.topic);
    }
  }

  @Override
  public void run() {
    thread = Thread.currentThread();
    try {
      while (closing.getCount() > 0) {
        if (conn == null && !connect()) {
          continue;
        }
        try {
          poll();
        } catch (SQLException e) {
          lost(e);
        } catch (RuntimeException e) {
          // a bug or a corrupt row must not end delivery for good: start over from the last ids
          log.error("listener of {} failed unexpectedly; reconnecting", schema.table, e);
          lost(new SQLException(e));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeConnection();
      started.completeExceptionally(new BrokerClosedException("PostgresBroker"));
      abortCommands();
    }
  }

  private void abortCommands() {
    Command c;
    while ((c = commands.poll()) != null) {
      c.abort();
    }
  }

  private void poll() throws SQLException {
    Connection c = conn;
    PGConnection p = pg;
    if (c == null || p == null) {
      return;
    }
    Command cmd;
    while ((cmd = commands.peek()) != null) {
      cmd.run(c);
      commands.poll(); // only once it ran: a command cut short by an outage runs after reconnect
    }
    PGNotification[] ns = p.getNotifications(POLL_MILLIS);
    long now = System.nanoTime();
    if (ns != null && ns.length > 0) {
      lastTraffic = now;
      for (PGNotification n : ns) {
        if (schema.channel.equals(n.getName())) {
          handle(n.getParameter());
        }
      }
    } else if (now - lastTraffic > HEALTH_NANOS) {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT 1"); // finds a half-open connection that would otherwise stay silent
      }
      lastTraffic = now;
    }
  }

  private void handle(String payload) throws SQLException {
    Notice n;
    try {
      n = Notice.parse(payload);
    } catch (IllegalArgumentException e) {
      log.debug("ignoring a foreign notification on channel {}", schema.channel, e);
      return;
    }
    List<Sub> list = subs.get(n.topic());
    if (list == null) {
      return;
    }
    Message m = null;
    boolean decoded = false;
    for (Sub s : list) {
      if (s.closed || s.cursor.live(n.id(), n.prev(), true) == LogCursor.Step.SKIP) {
        continue;
      }
      if (!decoded) {
        decoded = true;
        try {
          m = n.message();
        } catch (IllegalArgumentException e) {
          log.debug("cannot decode the message inlined in notification {}; reading the row", n.id(), e);
        }
      }
      if (s.cursor.live(n.id(), n.prev(), m != null) == LogCursor.Step.DELIVER) {
        s.cursor.advance(n.id());
        deliver(s, m);
      } else {
        catchUp(s);
      }
    }
  }

  /**
   * Delivers every stored message of {@code s}'s topic after its last delivered id. The first read
   * also says whether the row at that id is still there: when it was pruned and newer rows follow,
   * the handler hears of the gap ({@link Subscriber.MessageHandler#onGap}) before them.
   */
  private void catchUp(Sub s) throws SQLException {
    PreparedStatement st = read;
    PreparedStatement checked = readChecked;
    if (st == null || checked == null) {
      throw new SQLException("not connected", "08003");
    }
    boolean first = true;
    int n;
    do {
      List<Rows.Row> batch = new ArrayList<>();
      boolean retained = false;
      long from = s.cursor.position();
      if (first && from > 0) {
        checked.setString(1, s.topic);
        checked.setLong(2, from);
        checked.setString(3, s.topic);
        checked.setLong(4, from);
        checked.setLong(5, READ_BATCH);
        try (ResultSet rs = checked.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(1) == -1) {
              retained = true;
            } else {
              batch.add(Rows.row(rs));
            }
          }
        }
        batch.sort(java.util.Comparator.comparingLong(Rows.Row::id));
      } else {
        st.setString(1, s.topic);
        st.setLong(2, from);
        st.setInt(3, READ_BATCH);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            batch.add(Rows.row(rs));
          }
        }
      }
      n = batch.size();
      if (first && s.cursor.isGap(retained, n > 0)) {
        gap(s);
      }
      first = false;
      for (Rows.Row r : batch) {
        if (s.closed) {
          return;
        }
        if (s.cursor.advance(r.id())) {
          deliver(s, r.message());
        }
      }
    } while (n == READ_BATCH);
  }

  private void gap(Sub s) {
    if (s.closed) {
      return;
    }
    log.warn(
        "messages of topic {} after id {} were pruned from {} before this instance could deliver them"
            + " (it lagged or was disconnected beyond the history's bounds); its streams missed them",
        s.topic, s.cursor.position(), schema.table);
    try {
      s.handler.onGap(s.topic);
    } catch (RuntimeException e) {
      log.warn("handler of topic {} failed on a gap", s.topic, e);
    }
  }

  private void deliver(Sub s, Message m) {
    if (s.closed) {
      return;
    }
    try {
      s.handler.onMessage(s.topic, m);
    } catch (RuntimeException e) {
      log.warn("handler of topic {} failed on {}", s.topic, m, e);
    }
  }

  /** Connects, listens and catches every subscription up; on failure waits one backoff step. */
  private boolean connect() throws InterruptedException {
    try {
      Connection c = factory.open();
      conn = c;
      c.setAutoCommit(true);
      pg = c.unwrap(PGConnection.class);
      try (Statement st = c.createStatement()) {
        st.execute("LISTEN " + schema.channel);
        st.execute("LISTEN " + wakeChannel);
      }
      maxId = c.prepareStatement(schema.maxId);
      read = c.prepareStatement(schema.readAfter);
      readChecked = c.prepareStatement(schema.readAfterChecked);
      for (List<Sub> list : new ArrayList<>(subs.values())) {
        for (Sub s : new ArrayList<>(list)) {
          if (!s.closed) {
            catchUp(s);
          }
        }
      }
      lastTraffic = System.nanoTime();
      backoff.reset();
      started.complete(null);
      outage.recovered("listener");
      return true;
    } catch (SQLException e) {
      closeConnection();
      if (!started.isDone()) {
        started.completeExceptionally(e);
      }
      outage.lost("listener", e);
      closing.await(backoff.nextMillis(), TimeUnit.MILLISECONDS);
      return false;
    }
  }

  private void lost(SQLException e) {
    closeConnection();
    outage.lost("listener", e);
  }

  private void closeConnection() {
    ConnectionPool.closeQuietly(maxId);
    ConnectionPool.closeQuietly(read);
    ConnectionPool.closeQuietly(readChecked);
    readChecked = null;
    ConnectionPool.closeQuietly(conn);
    maxId = null;
    read = null;
    conn = null;
    pg = null;
  }
}
