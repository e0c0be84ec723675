package org.ssekit.jetty;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.jspecify.annotations.Nullable;
import org.ssekit.CloseReason;
import org.ssekit.Event;
import org.ssekit.EventSink;
import org.ssekit.StreamConnection;
import org.ssekit.internal.transport.WriteDispatcher;

/**
 * Writes one stream to one Jetty core response without blocking and without a thread of its own.
 *
 * <p>Jetty's {@link IteratingCallback} is the ownership rule: {@link #process()} runs on one thread
 * at a time, the next time only after the write it started completed, and an {@link #iterate()}
 * that arrives meanwhile makes it run once more, so no wake-up is lost and writes never overlap. A
 * wake-up from the hub (any thread, often the publisher's) is handed to the handler's {@link
 * WriteDispatcher}, at most once per stream until its turn runs: a broadcast to 10,000 streams is
 * then drained by a few writer threads instead of 10,000 pool tasks. Each turn writes one event straight from its shared encoded
 * bytes, or copies what is queued into a buffer from Jetty's pool and writes that; the buffer goes
 * back when the write completed.
 */
final class CoreStreamWriter extends IteratingCallback implements EventSink {

  /** Size of a coalescing buffer, borrowed when two or more events are queued. */
  static final int BATCH_BYTES = 8192;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  private static final VarHandle QUEUED;
  private static final VarHandle ENDED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      QUEUED = l.findVarHandle(CoreStreamWriter.class, "queued", int.class);
      ENDED = l.findVarHandle(CoreStreamWriter.class, "ended", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final SseHandler handler;
  private final Response response;
  private final Callback done;
  private final String client;
  private final WriteDispatcher dispatcher;
  /** This writer's place in the dispatcher's queue. */
  private final WriteDispatcher.Ready turn = new WriteDispatcher.Ready() {
    @Override
    protected void drain() {
      QUEUED.setVolatile(CoreStreamWriter.this, 0); // before iterating: a later wake-up queues another turn
      iterate();
    }
  };
  private final ByteBufferPool pool;

  private volatile @Nullable StreamConnection connection;
  /** 1 while this writer's turn is queued on the dispatcher. */
  @SuppressWarnings("unused") // through QUEUED
  private volatile int queued;
  /** 1 once the handler was told the response ended. */
  @SuppressWarnings("unused") // through ENDED
  private volatile int ended;
  /** The hub closed the stream: write what is left, then end the response. */
  private volatile boolean closing;

  // Owned by the thread running process():
  private boolean headersSent;
  private boolean lastWritten;
  private @Nullable Event carry;
  private RetainableByteBuffer.@Nullable Mutable batch;

  CoreStreamWriter(SseHandler handler, WriteDispatcher dispatcher, Response response, Callback done,
      String client, Request request) {
    this.handler = handler;
    this.response = response;
    this.done = done;
    this.client = client;
    this.dispatcher = dispatcher;
    this.pool = request.getComponents().getByteBufferPool();
    // the client left or the connection failed: end the stream at once, even while idle
    request.addFailureListener(cause -> fail(cause, CloseReason.CLIENT_GONE));
  }

  /** Binds the stream and sends the headers; once, on the request thread, after Hub.open. */
  void start(StreamConnection connection) {
    this.connection = connection;
    iterate();
  }

  // ---- signals ---------------------------------------------------------------------------------

  @Override
  public void wake() {
    if (connection != null && QUEUED.compareAndSet(this, 0, 1)) {
      dispatcher.submit(turn);
    }
  }

  @Override
  public void closed() {
    closing = true;
    wake();
  }

  /** Ends the stream after a last flush (the handler stops). */
  void shutdown() {
    StreamConnection c = connection;
    if (c != null) {
      c.stream().close();
    }
  }

  /** Ends the response at once with {@code cause}, and the stream with {@code reason}. */
  void fail(Throwable cause, CloseReason reason) {
    StreamConnection c = connection;
    if (c != null) {
      c.close(reason);
    }
    abort(cause);
  }

  // ---- the write loop --------------------------------------------------------------------------

  @Override
  protected Action process() {
    release(); // the write this turn follows has completed
    if (!headersSent) {
      headersSent = true;
      response.write(false, EMPTY, this); // commits the head at once
      return Action.SCHEDULED;
    }
    if (lastWritten) {
      return Action.SUCCEEDED;
    }
    StreamConnection c = connection;
    Event first = carry != null ? carry : c == null ? null : c.poll();
    carry = null;
    if (first == null) {
      if (closing) {
        lastWritten = true;
        response.write(true, EMPTY, this);
        return Action.SCHEDULED;
      }
      return Action.IDLE;
    }
    Event next = c.poll();
    if (next == null || first.encodedLength() + next.encodedLength() > BATCH_BYTES) {
      carry = next;
      response.write(false, first.encoded(), this);
      return Action.SCHEDULED;
    }
    RetainableByteBuffer.Mutable buf = pool.acquire(BATCH_BYTES, false);
    batch = buf;
    ByteBuffer bb = buf.getByteBuffer();
    int pos = BufferUtil.flipToFill(bb);
    bb.put(first.encoded()).put(next.encoded());
    Event e;
    while ((e = c.poll()) != null) {
      if (e.encodedLength() > bb.remaining()) {
        carry = e;
        break;
      }
      bb.put(e.encoded());
    }
    BufferUtil.flipToFlush(bb, pos);
    response.write(false, bb, this);
    return Action.SCHEDULED;
  }

  private void release() {
    RetainableByteBuffer b = batch;
    if (b != null) {
      batch = null;
      b.release();
    }
  }

  @Override
  protected void onCompleteSuccess() {
    release();
    end();
    done.succeeded();
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    release();
    StreamConnection c = connection;
    if (c != null) {
      c.close(CloseReason.CLIENT_GONE); // a write failed: the client is gone (a no-op if closed)
    }
    end();
    done.failed(cause);
  }

  private void end() {
    if (ENDED.compareAndSet(this, 0, 1)) {
      handler.ended(this, client);
    }
  }

  @Override
  public String toString() {
    return "CoreStreamWriter{" + client + (closing ? ", closing" : "") + "}";
  }
}
