package org.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardThreadExecutor;
import org.apache.catalina.startup.Tomcat;
import org.ssekit.servlet.tomcat.CompactHttp11NioProtocol;

/** Embedded Tomcat 11, HTTP/1.1 (NIO). */
final class TomcatServer implements TestServer {

  static final String POOL = "tomcat-it-";

  private final Tomcat tomcat;
  private final Connector connector;
  private final StandardThreadExecutor executor;

  private TomcatServer(Tomcat tomcat, Connector connector, StandardThreadExecutor executor) {
    this.tomcat = tomcat;
    this.connector = connector;
    this.executor = executor;
  }

  static Factory factory() {
    return TomcatServer::start;
  }

  /** Tomcat on ssekit's {@link CompactHttp11NioProtocol} instead of its own HTTP/1.1 protocol. */
  static Factory compactFactory() {
    return (mounts, sendBuffer) ->
        start(CompactHttp11NioProtocol.class.getName(), mounts, sendBuffer, ctx -> {});
  }

  static TomcatServer start(Map<String, HttpServlet> mounts, int sendBuffer) throws Exception {
    return start(mounts, sendBuffer, ctx -> {});
  }

  /** Like {@link #start(Map, int)}, letting the test complete the context before it starts. */
  static TomcatServer start(Map<String, HttpServlet> mounts, int sendBuffer, Consumer<Context> customizer)
      throws Exception {
    return start("HTTP/1.1", mounts, sendBuffer, customizer);
  }

  /** Like {@link #start(Map, int, Consumer)} on the connector protocol {@code protocol}. */
  static TomcatServer start(String protocol, Map<String, HttpServlet> mounts, int sendBuffer,
      Consumer<Context> customizer) throws Exception {
    Path base = Files.createTempDirectory("tomcat-it");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    StandardThreadExecutor executor = new StandardThreadExecutor();
    executor.setName("tomcat-it");
    executor.setNamePrefix(POOL);
    executor.setMinSpareThreads(4);
    executor.setMaxThreads(200);
    executor.setMaxIdleTime(1000);
    tomcat.getService().addExecutor(executor);
    Connector connector = new Connector(protocol);
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("connectionTimeout", "5000");
    connector.setProperty("executor", "tomcat-it");
    if (sendBuffer > 0) {
      connector.setProperty("socket.txBufSize", Integer.toString(sendBuffer));
    }
    connector.getProtocolHandler().setExecutor(executor);
    tomcat.setConnector(connector);
    Context ctx = tomcat.addContext("", base.toString());
    if (ctx instanceof StandardContext) {
      // leak detection needs --add-opens and only warns; the tests count threads themselves
      ((StandardContext) ctx).setClearReferencesThreadLocals(false);
      ((StandardContext) ctx).setClearReferencesRmiTargets(false);
    }
    int[] n = {0};
    mounts.forEach(
        (mapping, servlet) -> {
          String name = "servlet" + n[0]++;
          Wrapper w = Tomcat.addServlet(ctx, name, servlet);
          w.setAsyncSupported(true);
          ctx.addServletMapping(mapping, name);
        });
    customizer.accept(ctx);
    tomcat.start();
    return new TomcatServer(tomcat, connector, executor);
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
    return executor.getPoolSize();
  }

  @Override
  public void close() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }
}
