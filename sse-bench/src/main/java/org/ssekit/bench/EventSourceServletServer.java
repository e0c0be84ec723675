package org.ssekit.bench;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlets.EventSource;
import org.eclipse.jetty.ee10.servlets.EventSourceServlet;
import org.eclipse.jetty.server.Server;

/** Jetty's own {@code EventSourceServlet} (jetty-ee10-servlets): a blocking write per event. */
final class EventSourceServletServer implements BenchServer {
  private final Map<String, Set<Source>> topics = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private Server server;

  @Override
  public int start(int port, Duration heartbeat) throws Exception {
    server = Jetty.server(port);
    ServletContextHandler ctx = new ServletContextHandler();
    ServletHolder holder = new ServletHolder(new Servlet());
    holder.setAsyncSupported(true);
    holder.setInitParameter("heartBeatPeriod", Long.toString(Math.max(1, heartbeat.toSeconds())));
    ctx.addServlet(holder, "/sse/*");
    server.setHandler(ctx);
    server.start();
    return Jetty.port(server);
  }

  @Override
  public void publish(String topic, String data) {
    Set<Source> subs = topics.get(topic);
    if (subs == null) {
      return;
    }
    for (Source s : subs) {
      try {
        s.emitter.data(data);
      } catch (IOException | RuntimeException e) {
        // a client gone mid-write must not cost the others this event
        try {
          s.emitter.close();
        } catch (RuntimeException ignored) {
          // already completed
        }
      }
    }
  }

  @Override
  public int subscribers() {
    return count.get();
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private final class Servlet extends EventSourceServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected EventSource newEventSource(HttpServletRequest request) {
      String info = request.getPathInfo();
      return new Source(info == null ? "" : info.substring(1));
    }
  }

  private final class Source implements EventSource {
    final String topic;
    volatile Emitter emitter;

    Source(String topic) {
      this.topic = topic;
    }

    @Override
    public void onOpen(Emitter emitter) {
      this.emitter = emitter;
      topics.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(this);
      count.incrementAndGet();
    }

    @Override
    public void onClose() {
      Set<Source> subs = topics.get(topic);
      if (subs != null && subs.remove(this)) {
        count.decrementAndGet();
      }
    }
  }
}
