package org.ssekit.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import java.io.IOException;
import java.util.UUID;
import org.ssekit.testkit.BrokerAvailability;

/** The shared NATS server of the tests and unique, self-cleaning stream names on it. */
final class TestNats {

  static final String HOST = "127.0.0.1";
  static final int PORT = 4222;
  static final String URL = "nats://" + HOST + ":" + PORT;

  private TestNats() {}

  /** Skips (or fails under SSEKIT_REQUIRE_BROKERS=1) unless NATS answers on 4222. */
  static void assumeReachable() {
    BrokerAvailability.assumeReachable("NATS (with JetStream)", HOST, PORT);
  }

  /** A stream name and subject prefix no other test run uses. */
  record Names(String stream, String prefix) {
    static Names unique(String what) {
      String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      return new Names("SSEKIT_TEST_" + what + "_" + id, "ssekit-test." + what + "-" + id);
    }

    NatsBroker.Builder builder() {
      return builder(URL);
    }

    NatsBroker.Builder builder(String url) {
      return NatsBroker.builder(url).streamName(stream).subjectPrefix(prefix);
    }

    /** Deletes the stream if it exists. */
    void delete() throws IOException, InterruptedException {
      if (!BrokerAvailability.reachable(HOST, PORT)) {
        return;
      }
      try (Connection c = Nats.connect(URL)) {
        c.jetStreamManagement().deleteStream(stream);
      } catch (JetStreamApiException e) {
        // not created (the test was skipped or failed early)
      }
    }
  }
}
