package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NatsBrokerBuilderTest {

  private static final String URL = "nats://127.0.0.1:4222";

  @Test
  void failsFastOnInvalidOptions() {
    assertThatThrownBy(() -> NatsBroker.builder(URL).streamName("a.b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.b");
    assertThatThrownBy(() -> NatsBroker.builder(URL).subjectPrefix("x.>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.>");
    assertThatThrownBy(() -> NatsBroker.builder(URL).history(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEvents");
    assertThatThrownBy(() -> NatsBroker.builder(URL).reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> NatsBroker.builder(URL).timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> NatsBroker.builder((String) null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void failsWithTheUrlWhenNoServerAnswers() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "nats://127.0.0.1:" + port;
    assertThatThrownBy(() -> NatsBroker.create(url))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining(url);
  }
}
