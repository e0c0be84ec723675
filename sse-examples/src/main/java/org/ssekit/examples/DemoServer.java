package org.ssekit.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Broker;
import org.ssekit.Hub;
import org.ssekit.examples.audit.AuditApp;
import org.ssekit.examples.dashboard.DashboardApp;
import org.ssekit.examples.microblog.MicroblogApp;
import org.ssekit.examples.notifications.NotificationsApp;
import org.ssekit.servlet.SseRouter;

/**
 * The four demo apps and the topic API on one embedded Jetty 12 server, all on one {@link Hub}.
 *
 * <p>{@link #start} returns once the server listens. {@link #close()} ends every open stream
 * (through the router), then stops Jetty, the dashboard's sampling thread, the hub and the broker.
 */
final class DemoServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DemoServer.class);

  /** The name prefix of the HTTP server's pool threads. */
  static final String POOL_NAME = "ssekit-examples-http";

  static final int MAX_THREADS = 200;
  static final int MIN_THREADS = 8;
  /** How long an idle pool thread stays. */
  static final Duration POOL_IDLE = Duration.ofSeconds(5);
  /** A connection that sends nothing for this long is closed (streams get heartbeats within it). */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** The slowest request body accepted, in bytes per second. */
  static final long MIN_REQUEST_RATE = 256;
  /** Open streams per client address (a browser with a few tabs needs a handful). */
  static final int STREAMS_PER_ADDRESS = 32;
  /** Open streams in all. */
  static final int MAX_STREAMS = 10_000;

  private final Server server;
  private final ServerConnector connector;
  private final Hub hub;
  private final DashboardApp dashboard;
  private final MicroblogApp microblog;
  private final NotificationsApp notifications;
  private final AuditApp audit;
  private final SseRouter router;
  private final Broker broker;

  /** The hub's heartbeat period: how soon a vanished client is noticed at the latest (twice it). */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private DemoServer(Options options, @Nullable String publishToken, Duration samplePeriod, Duration heartbeat)
      throws Exception {
    this.broker = Brokers.open(options.broker(), options.brokerPrefix());
    this.hub = Hub.builder().broker(broker).retry(Duration.ofSeconds(2)).heartbeat(heartbeat).build();
    SseRouter.Builder rb =
        SseRouter.builder()
            .hub(hub)
            .maxStreams(MAX_STREAMS)
            .maxStreamsPerClient(STREAMS_PER_ADDRESS)
            .publishReadTimeout(AsyncBody.TIMEOUT);
    if (publishToken != null && !publishToken.isBlank()) {
      rb.publishToken(publishToken);
    }
    this.router = rb.build();
    Templates templates = Templates.precompiled();
    Clock clock = Clock.systemUTC();

    // A burst of container callbacks (a disconnect storm: every failed write completes its
    // response on a pool thread) grows the pool to its maximum in a moment. Jetty's default
    // evicts one idle thread per minute, which kept ~190 idle threads for hours: let idle
    // threads leave after a few seconds, all at once.
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, (int) POOL_IDLE.toMillis());
    threads.setName(POOL_NAME);
    threads.setMaxEvictCount(MAX_THREADS);
    server = new Server(threads);
    server.setStopTimeout(2_000);
    server.setErrorHandler(new DemoHandler.ServerErrors());
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false); // no "Server: Jetty(12.x)"
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(options.host());
    connector.setPort(options.port());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    boolean tokenRequired = publishToken != null && !publishToken.isBlank();
    context.addServlet(
        new ServletHolder(
            "index",
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String base = req.getScheme() + "://" + req.getServerName() + ":" + req.getServerPort();
                templates.write(resp, "index.jte", new Index(base, tokenRequired));
              }
            }),
        "");
    context.addServlet(new ServletHolder("static", new StaticServlet("static/", "no-cache")), "/static/*");
    context.addServlet(
        new ServletHolder("favicon", StaticServlet.file("static/", "favicon.ico", "public, max-age=86400")),
        "/favicon.ico");
    context.addServlet(
        new ServletHolder("webjars", new StaticServlet("META-INF/resources/webjars/", "public, max-age=86400")),
        "/webjars/*");

    boolean memory = Brokers.kind(options.broker()) == Brokers.Kind.MEMORY;
    microblog = memory ? MicroblogApp.create(hub, templates) : MicroblogApp.shared(hub, templates);
    microblog.mount(context, router);
    notifications = NotificationsApp.create(hub, templates, clock);
    notifications.mount(context, router);
    // the dashboard shows this JVM: on a shared broker each instance samples to a topic of its own
    String dashboardTopic =
        memory ? DashboardApp.TOPIC : DashboardApp.TOPIC + "-" + UUID.randomUUID().toString().substring(0, 8);
    dashboard = DashboardApp.start(hub, templates, clock, samplePeriod, dashboardTopic);
    dashboard.mount(context, router);
    audit = AuditApp.create(hub, templates, clock);
    audit.mount(context, router);
    ServletHolder api = new ServletHolder("api", new ApiServlet(router));
    api.setAsyncSupported(true);
    context.addServlet(api, "/api/topics/*");

    context.setErrorHandler(new JsonErrors());
    // request bodies must arrive at MIN_REQUEST_RATE or faster (streams send slowly on purpose:
    // no minimum for responses)
    server.setHandler(new DemoHandler(new StatisticsHandler.MinimumDataRateHandler(context, MIN_REQUEST_RATE, 0)));
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /**
   * Starts the server: binds {@code options.host():options.port()}, opens the broker, mounts the
   * apps. On a distributed broker the microblog counts through the broker ({@link
   * MicroblogApp#shared}), so several servers on one broker show the same counts. {@code publishToken} (when not null or blank) protects the publish API.
   *
   * @throws IllegalArgumentException if the broker URL is not supported
   * @throws Exception if Jetty cannot start (e.g. the port is taken)
   */
  static DemoServer start(Options options, @Nullable String publishToken, Duration samplePeriod) throws Exception {
    return new DemoServer(options, publishToken, samplePeriod, HEARTBEAT);
  }

  /** {@link #start(Options, String, Duration)} with another heartbeat period (for tests). */
  static DemoServer start(Options options, @Nullable String publishToken, Duration samplePeriod, Duration heartbeat)
      throws Exception {
    return new DemoServer(options, publishToken, samplePeriod, heartbeat);
  }

  /** The port the server listens on. */
  int port() {
    return connector.getLocalPort();
  }

  /** The server's base address, e.g. {@code http://127.0.0.1:8080/}. */
  URI uri() {
    String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** The hub every app publishes to. */
  Hub hub() {
    return hub;
  }

  MicroblogApp microblog() {
    return microblog;
  }

  NotificationsApp notifications() {
    return notifications;
  }

  AuditApp audit() {
    return audit;
  }

  /** Blocks until the server stops. */
  void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    // End the streams first (a last flush, then each response completes): Jetty's graceful stop
    // would otherwise wait for those never-ending responses until its stop timeout.
    router.close();
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("stopping jetty failed", e);
    }
    dashboard.close();
    microblog.close();
    hub.close();
    broker.close();
  }
}
