package org.ssekit.bench;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.ssekit.mercure.MercureHub;

/**
 * ssekit's Mercure hub ({@code sse-mercure}) on Jetty 12: {@code GET /sse/{topic}} is a Mercure
 * subscription to the exact topic (anonymous), publishing is {@link MercureHub#publish}. Beside
 * {@code ssekit-jetty} it shows what the Mercure layer (selector matching per subscriber, privacy,
 * the id check) costs over plain ssekit. Updates share one hub topic, so every update visits every
 * subscriber's selectors, as in any Mercure hub.
 */
final class MercureServer implements BenchServer {

  private static final String KEY = "bench-only-secret-key-of-32-bytes!!";
  private Server server;
  private MercureHub hub;

  @Override
  public int start(int port, Duration heartbeat) throws Exception {
    MercureHub.Builder b = MercureHub.builder().jwtKey("HS256", KEY).anonymous(true);
    if (!heartbeat.isZero()) {
      b.heartbeat(heartbeat);
    }
    hub = b.build();
    server = Jetty.server(port);
    ServletContextHandler ctx = new ServletContextHandler();
    ServletHolder holder = new ServletHolder(new AsTopicQuery(hub));
    holder.setAsyncSupported(true);
    ctx.addServlet(holder, "/sse/*");
    server.setHandler(ctx);
    server.start();
    return Jetty.port(server);
  }

  @Override
  public void publish(String topic, String data) {
    hub.publish(MercureHub.Update.builder().topic(topic).data(data).build());
  }

  @Override
  public int subscribers() {
    return hub.subscriberCount();
  }

  @Override
  public void close() throws Exception {
    hub.close();
    server.stop();
  }

  /** Serves {@code /sse/{topic}} as the hub's {@code ?topic={topic}}. */
  private static final class AsTopicQuery extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient MercureHub hub;

    AsTopicQuery(MercureHub hub) {
      this.hub = hub;
    }

    @Override
    public void init(jakarta.servlet.ServletConfig config) throws ServletException {
      super.init(config);
      hub.servlet().init(config);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
      String info = req.getPathInfo();
      String topic = info == null ? "" : info.substring(1);
      String query = "topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8);
      HttpServletRequest wrapped =
          new HttpServletRequestWrapper(req) {
            @Override
            public String getRequestURI() {
              return hub.path();
            }

            @Override
            public String getContextPath() {
              return "";
            }

            @Override
            public String getQueryString() {
              return query;
            }
          };
      hub.servlet().service(wrapped, resp);
    }
  }
}
