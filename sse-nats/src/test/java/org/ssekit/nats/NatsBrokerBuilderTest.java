package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NatsBrokerBuilderTest {

  @Test
  void failsFastOnInvalidOptions() {
    assertThatThrownBy(() -> NatsBroker.builder().streamName("a.b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.b");
    assertThatThrownBy(() -> NatsBroker.builder().subjectPrefix("x.>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.>");
    assertThatThrownBy(() -> NatsBroker.builder().history(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEventsPerTopic");
    assertThatThrownBy(() -> NatsBroker.builder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> NatsBroker.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("url");
  }

  @Test
  void failsWithTheUrlWhenNoServerAnswers() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "nats://127.0.0.1:" + port;
    assertThatThrownBy(() -> NatsBroker.connect(url))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining(url);
  }
}
