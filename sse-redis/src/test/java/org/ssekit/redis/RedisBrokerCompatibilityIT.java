package org.ssekit.redis;

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
}
