package org.ssekit.examples;

import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the ssekit demo: {@code java -jar sse-examples.jar [--host ADDRESS] [--port PORT]
 * [--broker URL] [--broker-prefix NAME]}. Four apps (microblog, notifications, dashboard, audit
 * feed) and the topic API on one embedded Jetty, with the in-memory broker and history by default
 * or a Redis, NATS or PostgreSQL broker shared with other instances. Stops on Ctrl-C (SIGINT) or
 * SIGTERM.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  /** Environment variable whose value, when set, protects the publish API with a bearer token. */
  public static final String TOKEN_ENV = "SSEKIT_PUBLISH_TOKEN";

  private Main() {}

  /**
   * Runs the demo until the JVM is asked to stop. Exits with status 2 on a bad command line
   * (including an unknown broker scheme) and 1 when the server cannot start (including a broker
   * that cannot be reached).
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(Options.USAGE);
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    DemoServer server;
    try {
      server = start(options, System.getenv());
    } catch (Exception e) {
      log.error("cannot start the demo on {}:{}: {}", options.host(), options.port(), e.toString());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ssekit-examples-shutdown"));
    log.info("ssekit demo listening on {}", server.uri());
    System.out.println("ssekit demo: open " + server.uri() + " (Ctrl-C to stop)");
    server.join();
  }

  /** Starts the server for {@code options}, reading {@value #TOKEN_ENV} from {@code env}. */
  static DemoServer start(Options options, Map<String, String> env) throws Exception {
    return DemoServer.start(options, env.get(TOKEN_ENV), Duration.ofSeconds(1));
  }
}
