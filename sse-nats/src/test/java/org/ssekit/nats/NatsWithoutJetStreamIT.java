package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.testkit.BrokerAvailability;

/** A server without JetStream is refused at build time with a message that says what to do. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NatsWithoutJetStreamIT {

  private static final String BINARY = "/usr/sbin/nats-server";

  @Test
  void refusesAServerWithoutJetStreamSayingHowToEnableIt() throws Exception {
    Assumptions.assumeTrue(new File(BINARY).canExecute(), "needs " + BINARY + " to start a private server");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process server =
        new ProcessBuilder(BINARY, "-a", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> BrokerAvailability.reachable("127.0.0.1", port));
      assertThatThrownBy(() -> NatsBroker.create("nats://127.0.0.1:" + port))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("JetStream disabled")
          .hasMessageContaining("-js");
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
