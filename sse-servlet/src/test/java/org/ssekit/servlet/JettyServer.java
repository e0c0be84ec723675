package org.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Embedded Jetty 12 (ee10), HTTP/1.1 and optionally h2c on the same connector. */
final class JettyServer implements TestServer {

  static final String POOL = "jetty-it";

  private final Server server;
  private final ServerConnector connector;
  private final QueuedThreadPool pool;

  private JettyServer(Server server, ServerConnector connector, QueuedThreadPool pool) {
    this.server = server;
    this.connector = connector;
    this.pool = pool;
  }

  static Factory factory(boolean h2c) {
    return new Factory() {
      @Override
      public TestServer start(Map<String, HttpServlet> mounts, int sendBuffer) throws Exception {
        return JettyServer.start(mounts, h2c, sendBuffer, server -> {});
      }

      @Override
      public boolean http2() {
        return h2c;
      }
    };
  }

  static JettyServer start(
      Map<String, HttpServlet> mounts, boolean h2c, int sendBuffer, Consumer<Server> customizer)
      throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(200, 4, 1000);
    pool.setName(POOL);
    pool.setMaxEvictCount(200); // idle threads leave within a second, so counts return to baseline
    Server server = new Server(pool);
    HttpConfiguration cfg = new HttpConfiguration();
    ServerConnector connector =
        h2c
            ? new ServerConnector(server, new HttpConnectionFactory(cfg), new HTTP2CServerConnectionFactory(cfg))
            : new ServerConnector(server, new HttpConnectionFactory(cfg));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(5_000);
    if (sendBuffer > 0) {
      connector.setAcceptedSendBufferSize(sendBuffer);
    }
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler("/");
    mounts.forEach(
        (mapping, servlet) -> {
          ServletHolder h = new ServletHolder(servlet);
          h.setAsyncSupported(true);
          ctx.addServlet(h, mapping);
        });
    server.setHandler(ctx);
    server.setStopTimeout(0); // no graceful wait: streams never end by themselves
    customizer.accept(server);
    server.start();
    return new JettyServer(server, connector, pool);
  }

  @Override
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public int poolThreads() {
    return pool.getThreads();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
