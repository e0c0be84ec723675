package org.ssekit.bench;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The one Jetty 12 setup shared by every Jetty-based bench server. */
final class Jetty {
  private Jetty() {}

  /** {@link ServerHost#maxThreads()}, the pool maximum of every server. */
  static int maxThreads() {
    return ServerHost.maxThreads();
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
