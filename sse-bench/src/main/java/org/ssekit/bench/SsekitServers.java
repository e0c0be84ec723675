package org.ssekit.bench;

import java.time.Duration;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.ssekit.CloseReason;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;
import org.ssekit.jetty.SseHandler;
import org.ssekit.servlet.SseRouter;

/**
 * ssekit's {@link SseRouter} stream servlet on Jetty 12 ee10 and on Tomcat 11, and its {@link
 * SseHandler} on Jetty 12's core API.
 */
final class SsekitServers {
  private SsekitServers() {}

  static BenchServer jetty() {
    return new OnJetty();
  }

  static BenchServer jettySmallBuffer() {
    return new OnJetty(Integer.getInteger("bench.bufferSize", 1024));
  }

  static BenchServer tomcat() {
    return new OnTomcat();
  }

  static BenchServer jettyCore() {
    return new OnJettyCore();
  }

  private abstract static class Base implements BenchServer {
    SseRouter router;
    Hub hub;

    /** The hub of every ssekit server: the heartbeat, and the default history unless turned off. */
    static void configure(Hub.Builder h, Duration heartbeat) {
      h.heartbeat(heartbeat);
      if (!Boolean.parseBoolean(System.getProperty("bench.ssekitHistory", "true"))) {
        // like the peers, keep no history (ssekit's default keeps 1,000 events per topic)
        h.broker(org.ssekit.broker.InMemoryBroker.builder().noHistory().build());
      }
    }

    SseRouter router(Duration heartbeat) {
      router = SseRouter.builder().hub(h -> configure(h, heartbeat)).shutdownTimeout(Duration.ZERO).build();
      hub = router.hub();
      return router;
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
    public long slowConsumersClosed() {
      return hub.stats().streamsClosed(CloseReason.SLOW_CONSUMER);
    }
  }

  /** {@link SseHandler} on the shared Jetty setup: no servlet context, no servlet layer. */
  private static final class OnJettyCore extends Base {
    private Server server;

    @Override
    public int start(int port, Duration heartbeat) throws Exception {
      Hub.Builder b = Hub.builder();
      configure(b, heartbeat);
      hub = b.build();
      server = Jetty.server(port);
      server.setHandler(SseHandler.builder(hub).route("/sse/{topic}", "{topic}").shutdownTimeout(Duration.ZERO).build());
      server.start();
      return Jetty.port(server);
    }

    @Override
    public void close() throws Exception {
      server.stop();
      hub.close();
    }
  }

  private static final class OnJetty extends Base {
    private Server server;
    private final int bufferSize;

    OnJetty() {
      this(-1);
    }

    OnJetty(int bufferSize) {
      this.bufferSize = bufferSize;
    }

    @Override
    public int start(int port, Duration heartbeat) throws Exception {
      server = Jetty.server(port);
      ServletContextHandler ctx = new ServletContextHandler();
      jakarta.servlet.http.HttpServlet sse =
          router(heartbeat).handler("/sse/{topic}", "{topic}", StreamAdapter.passThrough());
      ServletHolder holder = new ServletHolder(bufferSize < 0 ? sse : new SmallBuffer(sse, bufferSize));
      holder.setAsyncSupported(true);
      ctx.addServlet(holder, "/sse/*");
      server.setHandler(ctx);
      server.start();
      return Jetty.port(server);
    }

    @Override
    public void close() throws Exception {
      router.close();
      server.stop();
    }
  }

  /** Sets a smaller response buffer before the stream servlet runs (an experiment on memory). */
  private static final class SmallBuffer extends jakarta.servlet.http.HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient jakarta.servlet.http.HttpServlet delegate;
    private final int size;

    SmallBuffer(jakarta.servlet.http.HttpServlet delegate, int size) {
      this.delegate = delegate;
      this.size = size;
    }

    @Override
    public void init(jakarta.servlet.ServletConfig config) throws jakarta.servlet.ServletException {
      super.init(config);
      delegate.init(config);
    }

    @Override
    public void service(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res)
        throws jakarta.servlet.ServletException, java.io.IOException {
      res.setBufferSize(size);
      delegate.service(req, res);
    }
  }

  private static final class OnTomcat extends Base {
    private Tomcat tomcat;

    @Override
    public int start(int port, Duration heartbeat) throws Exception {
      tomcat = new Tomcat();
      tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("bench-tomcat").toString());
      // -Dbench.tomcatProtocol=org.ssekit.servlet.tomcat.CompactHttp11NioProtocol: the compact buffers
      Connector connector = new Connector(System.getProperty("bench.tomcatProtocol", "HTTP/1.1"));
      connector.setPort(port);
      connector.setProperty("address", "127.0.0.1");
      connector.setProperty("maxConnections", "60000");
      connector.setProperty("acceptCount", "4096");
      int maxThreads = Jetty.maxThreads(); // the same pool maximum as the Jetty servers
      connector.setProperty("maxThreads", Integer.toString(maxThreads));
      connector.setProperty("minSpareThreads", Integer.toString(Math.min(10, maxThreads)));
      connector.setProperty("connectionTimeout", "-1");
      connector.setProperty("keepAliveTimeout", "-1");
      connector.setProperty("compression", "off");
      connector.setAsyncTimeout(0);
      // -Dbench.tomcat.<property>=<value> sets any connector property, e.g. the socket buffers
      for (String name : System.getProperties().stringPropertyNames()) {
        if (name.startsWith("bench.tomcat.")) {
          connector.setProperty(name.substring("bench.tomcat.".length()), System.getProperty(name));
        }
      }
      tomcat.getService().addConnector(connector);
      tomcat.setConnector(connector);
      Context ctx = tomcat.addContext("", null);
      Wrapper w =
          Tomcat.addServlet(
              ctx, "sse", router(heartbeat).handler("/sse/{topic}", "{topic}", StreamAdapter.passThrough()));
      w.setAsyncSupported(true);
      ctx.addServletMapping("/sse/*", "sse");
      tomcat.start();
      return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      router.close();
      tomcat.stop();
      tomcat.destroy();
    }
  }
}
