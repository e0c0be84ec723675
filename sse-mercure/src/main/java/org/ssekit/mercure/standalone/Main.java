package org.ssekit.mercure.standalone;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Broker;
import org.ssekit.broker.BrokerHealth;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.mercure.MercureHub;
import org.ssekit.nats.NatsBroker;
import org.ssekit.postgres.PostgresBroker;
import org.ssekit.redis.RedisBroker;

/**
 * The standalone Mercure hub on embedded Jetty 12. Configured by flags, each of which an
 * environment variable can also set (the flag wins); {@code --help} lists them. Refuses to start
 * without a publisher key unless {@code --dev}, which generates one and prints it.
 */
public final class Main {

  static {
    // one line per start is ours: Jetty's own start-up lines are for debugging
    if (System.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** The configuration read from flags and the environment. */
  record Config(
      int port,
      String host,
      @Nullable String broker,
      @Nullable String publisherKey,
      String publisherAlg,
      @Nullable String subscriberKey,
      String subscriberAlg,
      Set<String> issuers,
      @Nullable String audience,
      boolean anonymous,
      Set<String> corsOrigins,
      boolean subscriptions,
      int history,
      boolean dev) {}

  static final String HELP =
      """
      Usage: java -jar sse-mercure.jar [options]

      A Mercure hub on ssekit. Each option can also be set by the environment variable shown.

        --port N              port to listen on (MERCURE_PORT, default 3000)
        --host ADDR           address to bind (MERCURE_HOST, default 0.0.0.0)
        --broker URL          redis://..., nats://... or postgresql://... to share updates and
                              history with other hubs (MERCURE_BROKER; default: in memory)
        --anonymous           subscribers without a token receive public updates (MERCURE_ANONYMOUS=1)
        --cors-origins LIST   comma-separated origins allowed from browsers (MERCURE_CORS_ORIGINS)
        --subscriptions       subscription events and the subscriptions API (MERCURE_SUBSCRIPTIONS=1)
        --history N           updates kept for resume, in-memory broker (MERCURE_HISTORY, default 1000)
        --dev                 generate an HS256 key and print it (never in production)
        --help                this text

      Keys (a publisher key is required unless --dev):
        MERCURE_PUBLISHER_JWT_KEY, MERCURE_PUBLISHER_JWT_ALG (default HS256; RS*/ES*: a PEM public key)
        MERCURE_SUBSCRIBER_JWT_KEY, MERCURE_SUBSCRIBER_JWT_ALG (default: the publisher's)
      Draft profile (at+jwt tokens with authorization_details):
        MERCURE_JWT_ISSUERS (comma list) and MERCURE_JWT_AUDIENCE
      """;

  /**
   * Starts the hub and blocks until the JVM stops.
   *
   * @param args the flags above
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    Config c;
    try {
      c = parse(args, System.getenv(), System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("sse-mercure: " + e.getMessage());
      System.err.println("run with --help for the options");
      System.exit(2);
      return;
    }
    if (c == null) {
      return; // --help
    }
    Server server = start(c, System.out);
    server.join();
  }

  /**
   * Reads the configuration; null after printing the help.
   *
   * @throws IllegalArgumentException for an unknown flag, a bad value or a missing key
   */
  static @Nullable Config parse(String[] args, Map<String, String> env, PrintStream out) {
    String port = env.getOrDefault("MERCURE_PORT", "3000");
    String host = env.getOrDefault("MERCURE_HOST", "0.0.0.0");
    String broker = env.get("MERCURE_BROKER");
    boolean anonymous = truthy(env.get("MERCURE_ANONYMOUS"));
    String cors = env.getOrDefault("MERCURE_CORS_ORIGINS", "");
    boolean subscriptions = truthy(env.get("MERCURE_SUBSCRIPTIONS"));
    String history = env.getOrDefault("MERCURE_HISTORY", "1000");
    boolean dev = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> {
          out.print(HELP);
          return null;
        }
        case "--port" -> port = value(args, ++i, a);
        case "--host" -> host = value(args, ++i, a);
        case "--broker" -> broker = value(args, ++i, a);
        case "--anonymous" -> anonymous = true;
        case "--cors-origins" -> cors = value(args, ++i, a);
        case "--subscriptions" -> subscriptions = true;
        case "--history" -> history = value(args, ++i, a);
        case "--dev" -> dev = true;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    int p = number(port, "port", 0, 65535);
    int h = number(history, "history", 0, 10_000_000);
    String pubKey = env.get("MERCURE_PUBLISHER_JWT_KEY");
    if ((pubKey == null || pubKey.isEmpty()) && !dev) {
      throw new IllegalArgumentException(
          "no publisher key: set MERCURE_PUBLISHER_JWT_KEY (or use --dev to generate one for development)");
    }
    Set<String> origins = new LinkedHashSet<>();
    Arrays.stream(cors.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(origins::add);
    Set<String> issuers = new LinkedHashSet<>();
    Arrays.stream(env.getOrDefault("MERCURE_JWT_ISSUERS", "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(issuers::add);
    String audience = env.get("MERCURE_JWT_AUDIENCE");
    if (issuers.isEmpty() != (audience == null || audience.isBlank())) {
      throw new IllegalArgumentException("the draft profile needs both MERCURE_JWT_ISSUERS and MERCURE_JWT_AUDIENCE");
    }
    return new Config(
        p,
        host,
        broker == null || broker.isBlank() ? null : broker,
        pubKey == null || pubKey.isEmpty() ? null : pubKey,
        env.getOrDefault("MERCURE_PUBLISHER_JWT_ALG", "HS256"),
        env.get("MERCURE_SUBSCRIBER_JWT_KEY"),
        env.getOrDefault("MERCURE_SUBSCRIBER_JWT_ALG", env.getOrDefault("MERCURE_PUBLISHER_JWT_ALG", "HS256")),
        issuers,
        audience == null || audience.isBlank() ? null : audience,
        anonymous,
        origins,
        subscriptions,
        h,
        dev);
  }

  private static boolean truthy(@Nullable String v) {
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static int number(String v, String what, int min, int max) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ": " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a number: " + v);
    }
  }

  /** Builds the broker, hub and server, starts it and logs one line with the hub URL. */
  static Server start(Config c, PrintStream out) throws Exception {
    String pubKey = c.publisherKey();
    if (pubKey == null) {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      pubKey = Base64.getUrlEncoder().withoutPadding().encodeToString(k);
      out.println("sse-mercure --dev: generated HS256 key (publishers and subscribers): " + pubKey);
    }
    Broker broker = broker(c);
    MercureHub.Builder b =
        MercureHub.builder()
            .broker(broker)
            .publisherJwt(c.publisherKey() == null ? "HS256" : c.publisherAlg(), pubKey)
            .anonymous(c.anonymous())
            .subscriptions(c.subscriptions())
            .corsOrigins(c.corsOrigins().toArray(new String[0]));
    if (c.subscriberKey() != null && !c.subscriberKey().isEmpty()) {
      b.subscriberJwt(c.subscriberAlg(), c.subscriberKey());
    }
    if (c.audience() != null) {
      b.draft(c.issuers(), c.audience());
    }
    MercureHub hub = b.build();

    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // the subscriptions API carries percent-encoded topics, '/' included, in its path
    http.setUriCompliance(UriCompliance.LEGACY);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(c.host());
    connector.setPort(c.port());
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.setContextPath("/");
    ctx.getServletHandler().setDecodeAmbiguousURIs(true);
    ServletHolder h = new ServletHolder(hub.servlet());
    h.setAsyncSupported(true);
    ctx.addServlet(h, hub.path() + "/*");
    ctx.addServlet(new ServletHolder(new Health(broker, hub)), "/healthz");
    ctx.addServlet(new ServletHolder(new Welcome(hub.path())), "/");
    server.setHandler(ctx);
    server.setStopAtShutdown(true);
    server.addEventListener(
        new org.eclipse.jetty.util.component.LifeCycle.Listener() {
          @Override
          public void lifeCycleStopped(org.eclipse.jetty.util.component.LifeCycle event) {
            hub.close();
            broker.close();
          }
        });
    server.start();
    int port = connector.getLocalPort();
    String host = c.host().equals("0.0.0.0") ? "localhost" : c.host();
    log.info(
        "Mercure hub at http://{}:{}{} (broker: {}, anonymous: {}, subscriptions: {}, draft: {})",
        host,
        port,
        hub.path(),
        c.broker() == null ? "in-memory, history " + c.history() : redact(c.broker()),
        c.anonymous(),
        c.subscriptions(),
        c.audience() != null);
    return server;
  }

  private static Broker broker(Config c) {
    String url = c.broker();
    if (url == null) {
      return c.history() == 0
          ? InMemoryBroker.builder().noHistory().build()
          : InMemoryBroker.builder().history(EventLog.inMemory(c.history(), Duration.ofMinutes(15))).build();
    }
    if (url.startsWith("redis://") || url.startsWith("rediss://")) {
      return RedisBroker.create(url);
    }
    if (url.startsWith("nats://") || url.startsWith("tls://")) {
      return NatsBroker.create(url);
    }
    if (url.startsWith("postgresql://") || url.startsWith("postgres://") || url.startsWith("jdbc:postgresql:")) {
      return PostgresBroker.create(url);
    }
    throw new IllegalArgumentException("--broker must be redis://, nats:// or postgresql://: " + redact(url));
  }

  /** The URL without its password, for logs. */
  static String redact(String url) {
    return url.replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
  }

  /** The health endpoint: 200 while the hub serves and the broker is up, else 503; JSON. */
  private static final class Health extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    private final transient Broker broker;
    private final transient MercureHub hub;

    Health(Broker broker, MercureHub hub) {
      this.broker = broker;
      this.hub = hub;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      BrokerHealth health;
      try {
        health = broker.health();
      } catch (RuntimeException e) {
        health = BrokerHealth.down(String.valueOf(e.getMessage()));
      }
      boolean up = !hub.router().isClosed() && health.up();
      var body = MAPPER.createObjectNode();
      body.put("status", up ? "up" : "down");
      body.put("broker", broker.getClass().getSimpleName());
      body.put("brokerUp", health.up());
      body.put("brokerDetail", health.detail());
      body.put("subscribers", hub.subscriberCount());
      byte[] b = MAPPER.writeValueAsBytes(body);
      resp.setStatus(up ? 200 : 503);
      resp.setContentType("application/json");
      resp.setHeader("Cache-Control", "no-store");
      resp.setContentLength(b.length);
      resp.getOutputStream().write(b);
    }
  }

  /** The welcome page at {@code /}; anything else below it is 404. */
  private static final class Welcome extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final String path;

    Welcome(String path) {
      this.path = path;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String uri = req.getRequestURI();
      if (!uri.equals("/")) {
        resp.setStatus(404);
        resp.setContentType("application/json");
        resp.getOutputStream().write("{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String page =
          "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mercure hub</title></head>"
              + "<body><h1>Mercure hub (ssekit)</h1><p>The hub is at <code>"
              + path
              + "</code>. Subscribe with <code>new EventSource('"
              + path
              + "?topic=...')</code>; publish with a form <code>POST</code> and a publisher token.</p>"
              + "<p>Health: <a href=\"/healthz\">/healthz</a>.</p></body></html>";
      byte[] b = page.getBytes(StandardCharsets.UTF_8);
      resp.setStatus(200);
      resp.setContentType("text/html; charset=utf-8");
      resp.setContentLength(b.length);
      resp.getOutputStream().write(b);
    }
  }
}
