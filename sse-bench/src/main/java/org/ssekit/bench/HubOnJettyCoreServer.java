package org.ssekit.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.ssekit.CloseReason;
import org.ssekit.Event;
import org.ssekit.EventSink;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRequest;

/**
 * A diagnostic, not a product: ssekit's {@link Hub} (sse-core) with the ceiling's Jetty core
 * writer instead of the servlet module. Set beside {@code ceiling} and {@code ssekit-jetty}, it
 * splits the cost of the hub's fan-out from the cost of the servlet transport.
 */
final class HubOnJettyCoreServer implements BenchServer {
  private Hub hub;
  private Server server;

  @Override
  public int start(int port, Duration heartbeat) throws Exception {
    hub = Hub.builder().heartbeat(heartbeat).build();
    server = Jetty.server(port);
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (!path.startsWith("/sse/")) {
              return false;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            Writer w = new Writer(response, callback, server.getThreadPool());
            w.connection =
                hub.open(path.substring(5), StreamAdapter.passThrough(), StreamRequest.of(path), w);
            w.iterate(); // flushes the headers, then polls
            return true;
          }
        });
    server.start();
    return Jetty.port(server);
  }

  @Override
  public void publish(String topic, String data) {
    hub.publish(topic, Event.of(data));
  }

  @Override
  public int subscribers() {
    return hub.streamCount();
  }

  @Override
  public void close() throws Exception {
    hub.close();
    server.stop();
  }

  /** Polls the stream and writes what is queued, coalescing, one write at a time. */
  private static final class Writer extends IteratingCallback implements EventSink {
    final Response response;
    final Callback done;
    final java.util.concurrent.Executor executor;
    volatile StreamConnection connection;
    boolean headersSent;
    volatile boolean closed;

    Writer(Response response, Callback done, java.util.concurrent.Executor executor) {
      this.response = response;
      this.done = done;
      this.executor = executor;
    }

    @Override
    public void wake() {
      if (connection != null) {
        executor.execute(this::iterate); // as the servlet module does with its writer threads
      }
    }

    @Override
    public void closed() {
      closed = true;
      executor.execute(this::iterate);
    }

    @Override
    protected Action process() {
      if (!headersSent) {
        headersSent = true;
        response.write(false, ByteBuffer.allocate(0), this);
        return Action.SCHEDULED;
      }
      StreamConnection c = connection;
      Event first = c == null ? null : c.poll();
      if (first == null) {
        if (closed) {
          response.write(true, ByteBuffer.allocate(0), Callback.from(done::succeeded, done::failed));
          return Action.SUCCEEDED;
        }
        return Action.IDLE;
      }
      Event second = c.poll();
      if (second == null) {
        response.write(false, first.encoded(), this);
        return Action.SCHEDULED;
      }
      byte[] buf = new byte[16384];
      int n = first.copyTo(buf, 0);
      n += second.copyTo(buf, n);
      Event e;
      while (n < 16384 - 1024 && (e = c.poll()) != null) {
        if (n + e.encodedLength() > buf.length) {
          byte[] bigger = new byte[n + e.encodedLength()];
          System.arraycopy(buf, 0, bigger, 0, n);
          buf = bigger;
        }
        n += e.copyTo(buf, n);
      }
      response.write(false, ByteBuffer.wrap(buf, 0, n), this);
      return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      StreamConnection c = connection;
      if (c != null) {
        c.close(CloseReason.CLIENT_GONE);
      }
      done.failed(cause);
    }
  }
}
