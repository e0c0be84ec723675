package org.ssekit.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.CloseReason;
import org.ssekit.Event;
import org.ssekit.EventSink;
import org.ssekit.StreamConnection;
import org.ssekit.internal.transport.WriteDispatcher;

/**
 * Writes one stream to one async servlet response without blocking and without a thread of its
 * own.
 *
 * <p>Concurrency: every path that may write (the opening thread, {@link #wake()} from any thread,
 * {@link #closed()}, the container's {@link #onWritePossible()} and error callbacks) goes through
 * one work-in-progress counter; only the thread that moves it from 0 owns the writer and runs
 * {@link #drain()}, and any signal arriving meanwhile makes that owner loop once more. So two
 * threads never write at once, no lock is held while writing, and no signal is lost. A wake-up
 * from a foreign thread is handed to the router's {@link WriteDispatcher} (a few writer threads);
 * container callbacks drain on their own thread. The container's error and timeout callbacks
 * are the exception: they end the response before they return, even while another thread owns the
 * writer, since a container dispatches an error page otherwise.
 *
 * <p>Writes only happen when {@link ServletOutputStream#isReady()} is true. A false {@code
 * isReady()} obliges the container to call {@link #onWritePossible()} later, so the owner simply
 * returns. Several queued events are copied into one buffer and written at once, then flushed;
 * a single event is written straight from its shared encoded bytes. The batch buffer is borrowed
 * from the router's {@link BufferPool} and reused, or given back when nothing more is queued, only
 * after {@code isReady()} confirmed that the container has taken every byte written so far (a
 * container may keep a reference to a written array until a non-blocking write completes).
 */
final class StreamWriter extends WriteDispatcher.Ready implements EventSink, WriteListener, AsyncListener {

  private static final Logger log = LoggerFactory.getLogger(StreamWriter.class);

  /** Size of the coalescing buffers, borrowed when a connection has two events waiting. */
  static final int BATCH_BYTES = 8192;

  /** Batches one stream may write before it yields its write task to other woken streams. */
  static final int BATCHES_PER_TURN = 16;

  private static final VarHandle WIP;
  private static final VarHandle FINISHED;
  private static final VarHandle RELEASED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      WIP = l.findVarHandle(StreamWriter.class, "wip", int.class);
      FINISHED = l.findVarHandle(StreamWriter.class, "finished", int.class);
      RELEASED = l.findVarHandle(StreamWriter.class, "released", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Fields, not atomic objects: one writer per open stream, so every byte counts.
  /** Work in progress; held (1) by the opening thread until {@link #start} has drained once. */
  private volatile int wip = 1;
  /** 1 once the response has ended. */
  private volatile int finished;
  /** 1 once {@code onRelease} ran. */
  @SuppressWarnings("unused") // through RELEASED
  private volatile int released;
  private final Consumer<StreamWriter> onRelease;
  private final WriteDispatcher dispatcher;
  private final BufferPool buffers;

  private volatile @Nullable StreamConnection connection;
  private volatile @Nullable AsyncContext async;
  private volatile @Nullable ServletOutputStream out;
  /** The hub closed the stream: write what is left, then complete. */
  private volatile boolean closing;
  /** The connection failed or the client left: complete without writing. */
  private volatile boolean failed;
  /**
   * The container ends this response (a write failed, or its error or timeout callback runs): the
   * owner touches the response no more.
   */
  private volatile boolean containerEnds;
  /** The owner thread while it is inside {@link #work()}; an error callback waits for it to leave. */
  private volatile @Nullable Thread worker;

  // Owned by the thread holding wip:
  /** The borrowed batch buffer, null while the stream is idle. */
  private byte @Nullable [] buffer;
  private @Nullable Event carry;
  /** Bytes were written since the last flush; starts true so the headers go out at once. */
  private boolean dirty = true;

  /**
   * @param onRelease runs once when the response has ended (on any thread)
   */
  StreamWriter(WriteDispatcher dispatcher, BufferPool buffers, Consumer<StreamWriter> onRelease) {
    this.dispatcher = dispatcher;
    this.buffers = buffers;
    this.onRelease = onRelease;
  }

  /**
   * Binds the writer to its response and writes what is queued; called once, on the request
   * thread, after {@code Hub.open} returned and {@code startAsync} was called.
   */
  void start(StreamConnection connection, AsyncContext async, ServletOutputStream out) {
    this.connection = connection;
    this.async = async;
    this.out = out;
    async.addListener(this);
    out.setWriteListener(this);
    drain(); // this thread holds the initial wip count: the one poll after open
  }

  // ---- signals ----------------------------------------------------------------------------

  @Override
  public void wake() {
    if ((int) WIP.getAndAdd(this, 1) == 0) {
      dispatch();
    }
  }

  @Override
  public void closed() {
    closing = true;
    if ((int) WIP.getAndAdd(this, 1) == 0) {
      dispatch();
    }
  }

  /** Hands the drain loop to the router's writer threads. */
  private void dispatch() {
    dispatcher.submit(this);
  }

  /** Runs the writer from a container callback thread. */
  private void signalHere() {
    if ((int) WIP.getAndAdd(this, 1) == 0) {
      drain();
    }
  }

  @Override
  public void onWritePossible() {
    signalHere();
  }

  @Override
  public void onError(Throwable t) {
    log.debug("write failed; the client is gone", t);
    endInErrorCallback();
  }

  @Override
  public void onComplete(AsyncEvent event) {
    // The container ended the response (normally after our complete(); otherwise after an error).
    finished = 1;
    StreamConnection c = connection;
    if (c != null) {
      c.close(CloseReason.CLIENT_GONE);
    }
    release();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    endInErrorCallback();
  }

  @Override
  public void onError(AsyncEvent event) {
    log.debug("async error; the client is gone", event.getThrowable());
    endInErrorCallback();
  }

  /**
   * Completes the response before an error or timeout callback returns: a container whose async
   * listeners return without {@code complete()} dispatches the request to the application's error
   * page (Tomcat does, and Spring Boot's {@code /error} then fails to render its JSON as {@code
   * text/event-stream}).
   *
   * <p>The owner of the writer may be writing on another thread at this moment. Completing then
   * would let the container recycle the response (and its processor) under that write, and
   * Tomcat then serves a later connection with a processor still in use. So the callback first
   * tells the owner to stop ({@link #containerEnds}, checked before and between writes), waits the
   * few microseconds until it has left its non-blocking write, and only then completes. The
   * response is completed once: a second {@code complete()} makes Tomcat process the async cycle
   * twice, with the same effect.
   */
  private void endInErrorCallback() {
    failed = true;
    containerEnds = true;
    Thread self = Thread.currentThread();
    for (int spins = 0; ; spins++) {
      Thread w = worker;
      if (w == null || w == self) { // the container may call back from inside our own write
        break;
      }
      if (spins < 128) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the owner may be descheduled: two cores are common
      }
    }
    end();
  }

  @Override
  public void onStartAsync(AsyncEvent event) {}

  // ---- the writer -------------------------------------------------------------------------

  /**
   * The owner's loop: runs work until no signal arrived during the last round. Only the thread
   * that moved the work-in-progress count from 0 (or the dispatcher task it handed over to) may
   * call it.
   */
  @Override
  protected void drain() {
    int missed = 1;
    while (true) {
      boolean more;
      worker = Thread.currentThread();
      try {
        more = work();
      } catch (RuntimeException e) {
        log.warn("stream writer failed; closing the stream", e);
        failed = true;
        finish();
        more = false;
      } finally {
        worker = null;
      }
      if (more) {
        // used up its turn with more to write: keep ownership and queue behind the other woken
        // streams, so one busy stream cannot monopolise a write task
        dispatcher.submit(this);
        return;
      }
      missed = (int) WIP.getAndAdd(this, -missed) - missed;
      if (missed == 0) {
        return;
      }
    }
  }

  /**
   * Writes while the container accepts writes and events are queued, at most {@link
   * #BATCHES_PER_TURN} batches.
   *
   * @return true if the turn ended with more to write
   */
  private boolean work() {
    if (finished != 0 || containerEnds) {
      return false; // an error callback or the container ends the response
    }
    ServletOutputStream o = out;
    StreamConnection c = connection;
    if (o == null || c == null) {
      return false; // not started yet; start() drains
    }
    if (failed) {
      finish();
      return false;
    }
    int batches = 0;
    try {
      while (!containerEnds && o.isReady()) {
        if (dirty) {
          o.flush();
          dirty = false;
          continue;
        }
        // isReady() after the flush: the container holds no reference to the batch buffer
        if (batches == BATCHES_PER_TURN) {
          return true;
        }
        if (writeBatch(o, c)) {
          batches++;
          dirty = true;
          continue;
        }
        if (buffer != null) {
          buffers.release(buffer); // idle: give the batch buffer back
          buffer = null;
        }
        if (closing) {
          finish(); // everything queued before the close is written and flushed
        }
        return false;
      }
    } catch (IOException e) {
      // A failed non-blocking write obliges the container to call the error callbacks (on its own
      // thread), which complete the response; completing it here as well would race with them.
      log.debug("write failed; the client is gone", e);
      failed = true;
      containerEnds = true;
      dropBatch();
      c.close(CloseReason.CLIENT_GONE);
    } catch (RuntimeException e) {
      // the container refuses to write to a response it has already ended: Tomcat throws
      // "output buffer object has been recycled" once a shutdown or a client reset recycled it.
      // Nothing is lost that a client could still receive, so this is no warning.
      log.debug("the response can no longer be written (ended or recycled by the container)", e);
      failed = true;
      finish();
    }
    return false;
  }

  /** Writes the next batch of events; false when nothing is queued. */
  private boolean writeBatch(ServletOutputStream o, StreamConnection c) throws IOException {
    Event first = carry != null ? carry : c.poll();
    carry = null;
    if (first == null) {
      return false;
    }
    Event next = c.poll();
    byte[] buf = buffer;
    if (next == null || first.encodedLength() + next.encodedLength() > BATCH_BYTES) {
      first.writeTo(o); // its shared, immutable bytes: no copy
      carry = next;
      return true;
    }
    if (buf == null) {
      buf = buffers.acquire();
      buffer = buf;
    }
    int len = first.copyTo(buf, 0);
    Event e = next;
    while (e != null) {
      if (e.encodedLength() > buf.length - len) {
        carry = e;
        break;
      }
      len += e.copyTo(buf, len);
      e = c.poll();
    }
    o.write(buf, 0, len);
    return true;
  }

  /** The owner ends the response once; closes the stream if the hub has not. */
  private void finish() {
    dropBatch();
    end();
  }

  /** Forgets the batch in progress; the buffer is not given back: a failed write may still reference it. */
  private void dropBatch() {
    carry = null;
    buffer = null;
  }

  /**
   * Ends the response once, from any thread: closes the stream if the hub has not, completes the
   * async cycle and releases the writer. Touches no state of the writer's owner.
   *
   * @return true for the one call that ended it
   */
  private boolean end() {
    if (!FINISHED.compareAndSet(this, 0, 1)) {
      return false;
    }
    StreamConnection c = connection;
    if (c != null) {
      c.close(CloseReason.CLIENT_GONE); // no-op when the hub closed it first
    }
    AsyncContext ac = async;
    if (ac != null) {
      complete(ac);
    }
    release();
    return true;
  }

  private static void complete(AsyncContext ac) {
    try {
      ac.complete();
    } catch (RuntimeException e) {
      log.debug("completing the response failed (already completed?)", e);
    }
  }

  private void release() {
    if (RELEASED.compareAndSet(this, 0, 1)) {
      try {
        onRelease.accept(this);
      } catch (RuntimeException e) {
        log.warn("releasing a finished stream failed", e);
      }
    }
  }

  /** Closes the stream from the server side: what is queued is written, then the response ends. */
  void shutdown() {
    StreamConnection c = connection;
    if (c != null) {
      c.stream().close();
    } else {
      closed();
    }
  }

  /** True once the response has ended. */
  boolean isFinished() {
    return finished != 0;
  }
}
