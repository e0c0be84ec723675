package org.ssekit.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether a broker test runs: when the broker answers on its port it runs; when it does
 * not, the test is skipped with a visible message, unless the environment variable {@code
 * SSEKIT_REQUIRE_BROKERS=1} (set by CI) makes a missing broker a failure.
 */
public final class BrokerAvailability {

  /** The environment variable that turns a missing broker into a failure. */
  public static final String REQUIRE = "SSEKIT_REQUIRE_BROKERS";

  private BrokerAvailability() {}

  /**
   * Skips (or fails, under {@value #REQUIRE}=1) the calling test unless {@code host:port}
   * accepts a TCP connection within one second.
   */
  public static void assumeReachable(String broker, String host, int port) {
    if (reachable(host, port)) {
      return;
    }
    String msg =
        broker + " is not reachable at " + host + ":" + port + "; start it to run these tests"
            + " (see README), or they are skipped";
    if ("1".equals(System.getenv(REQUIRE))) {
      Assertions.fail(msg + " - failing because " + REQUIRE + "=1");
    }
    System.err.println("SKIPPED: " + msg);
    Assumptions.abort(msg);
  }

  /** Whether {@code host:port} accepts a TCP connection within one second. */
  public static boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
