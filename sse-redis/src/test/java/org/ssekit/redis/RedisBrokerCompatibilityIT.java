package org.ssekit.redis;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.ssekit.broker.Broker;
import org.ssekit.testkit.BrokerAvailability;
import org.ssekit.testkit.BrokerCompatibilityKit;

/** The Redis broker keeps the shared broker contract against a real Redis on 127.0.0.1:6379. */
class RedisBrokerCompatibilityIT extends BrokerCompatibilityKit {

  private final String prefix = "ssekit-it-" + UUID.randomUUID() + ":";

  @BeforeEach
  void redisIsUp() {
    BrokerAvailability.assumeReachable("Redis", RedisTests.HOST, RedisTests.PORT);
  }

  @Override
  protected Broker newBroker() {
    return RedisBroker.builder(RedisTests.URL).keyPrefix(prefix).build();
  }

  @Override
  protected Broker newBrokerWithHistory(int maxEvents) {
    // MAXLEN ~: Redis trims whole nodes of up to 100 entries, so about maxEvents + 100 remain.
    return RedisBroker.builder(RedisTests.URL).keyPrefix(prefix).history(maxEvents, Duration.ofMinutes(15)).build();
  }

  @Override
  protected InetSocketAddress serverAddress() {
    return new InetSocketAddress(RedisTests.HOST, RedisTests.PORT);
  }

  @Override
  protected Broker newBrokerThrough(int port) {
    return RedisBroker.builder("redis://127.0.0.1:" + port)
        .keyPrefix(prefix)
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .timeout(Duration.ofSeconds(2))
        .build();
  }
}
