package org.ssekit.examples;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a small request body without holding a thread while it arrives (a {@link ReadListener}),
 * then hands it to the app on a container thread. A body over the limit answers 413, one that
 * cannot be read (truncated, malformed framing) 400, one still arriving at the deadline 408; all
 * JSON. A client that trickles bytes therefore holds no thread, and at most the deadline.
 */
public final class AsyncBody {

  private static final Logger log = LoggerFactory.getLogger(AsyncBody.class);

  /** The deadline for a body, from the request's start. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** What the app does with a body that arrived whole. */
  @FunctionalInterface
  public interface Handler {
    /** Answers the request; runs once, on a container thread. */
    void handle(byte[] body, HttpServletResponse response) throws IOException;
  }

  private AsyncBody() {}

  /**
   * Starts reading {@code request}'s body (at most {@code maxBytes}); the servlet returns at once.
   * The servlet must be registered with {@code asyncSupported=true}.
   */
  public static void read(HttpServletRequest request, HttpServletResponse response, int maxBytes, Handler handler)
      throws IOException {
    if (request.getContentLengthLong() > maxBytes) {
      response.setHeader("Connection", "close");
      Http.error(response, 413, "the body is limited to " + maxBytes + " bytes");
      return;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(TIMEOUT.toMillis());
    ServletInputStream in = request.getInputStream();
    Reader r = new Reader(async, in, response, maxBytes, handler);
    async.addListener(r);
    in.setReadListener(r);
  }

  private static final class Reader implements ReadListener, AsyncListener {
    private final AsyncContext async;
    private final ServletInputStream in;
    private final HttpServletResponse response;
    private final int max;
    private final Handler handler;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] chunk = new byte[2048];
    private final AtomicBoolean answered = new AtomicBoolean();

    Reader(AsyncContext async, ServletInputStream in, HttpServletResponse response, int max, Handler handler) {
      this.async = async;
      this.in = in;
      this.response = response;
      this.max = max;
      this.handler = handler;
    }

    @Override
    public void onDataAvailable() throws IOException {
      while (!answered.get() && in.isReady()) {
        int n = in.read(chunk);
        if (n < 0) {
          return;
        }
        if (body.size() + n > max) {
          fail(413, "the body is limited to " + max + " bytes");
          return;
        }
        body.write(chunk, 0, n);
      }
    }

    @Override
    public void onAllDataRead() {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      try {
        handler.handle(body.toByteArray(), response);
      } catch (IOException | RuntimeException e) {
        log.warn("answering a request failed", e);
        try {
          if (!response.isCommitted()) {
            response.reset();
            Http.error(response, 500, "the request could not be handled");
          }
        } catch (IOException | RuntimeException ignored) {
          // the client is gone
        }
      } finally {
        complete();
      }
    }

    @Override
    public void onError(Throwable t) {
      log.debug("400 for a body that could not be read: {}", String.valueOf(t));
      fail(400, "the request body could not be read (truncated or malformed framing)");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      fail(408, "the request body did not arrive within " + TIMEOUT.toSeconds() + " s");
    }

    @Override
    public void onError(AsyncEvent event) {
      onError(event.getThrowable() == null ? new IOException("async error") : event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
      answered.set(true);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}

    private void fail(int status, String message) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      try {
        response.setHeader("Connection", "close");
        Http.error(response, status, message);
      } catch (IOException | RuntimeException e) {
        log.debug("cannot answer {}: {}", status, e.toString());
      } finally {
        complete();
      }
    }

    private void complete() {
      try {
        async.complete();
      } catch (RuntimeException e) {
        log.debug("completing a request failed: {}", e.toString());
      }
    }
  }
}
