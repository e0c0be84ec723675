package org.ssekit.bench;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The one Jetty 12 setup shared by every Jetty-based bench server. */
final class Jetty {
  /**
   * The smallest pool accepted for {@code -Dbench.maxThreads}: Jetty leases one acceptor, one
   * selector and its reserved threads (at most one per core, here 1–2) from the pool before any
   * request runs, and a blocking peer needs a few request threads on top.
   */
  static final int MIN_THREADS = 8;

  private Jetty() {}

  /**
   * The maximum of the request thread pool, the same for every server under test: Jetty's {@link
   * QueuedThreadPool} and Tomcat's connector {@code maxThreads}. {@code -Dbench.maxThreads}, 200
   * (both containers' default) unless set.
   */
  static int maxThreads() {
    int max = Integer.getInteger("bench.maxThreads", 200);
    if (max < MIN_THREADS) {
      throw new IllegalArgumentException(
          "bench.maxThreads must be at least " + MIN_THREADS + " (acceptor, selector, reserved"
              + " threads and a few request threads), got " + max);
    }
    return max;
  }

  /** A server with the shared thread pool and one HTTP/1.1 connector on 127.0.0.1. */
  static Server server(int port) {
    int max = maxThreads();
    QueuedThreadPool pool = new QueuedThreadPool(max, Math.min(8, max));
    pool.setName("jetty");
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(-1);
    server.addConnector(connector);
    server.setStopTimeout(0); // no graceful wait for streams that never end
    return server;
  }

  static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }
}
