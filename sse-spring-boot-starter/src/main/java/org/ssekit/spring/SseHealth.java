package org.ssekit.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.ssekit.Hub;
import org.ssekit.broker.BrokerHealth;
import org.ssekit.servlet.SseRouter;

/** The state the {@code ssekit} health indicators report, whichever Boot line renders it. */
final class SseHealth {

  final boolean up;
  final Map<String, Object> details;

  private SseHealth(boolean up, Map<String, Object> details) {
    this.up = up;
    this.details = details;
  }

  /** Up while the broker is up and the router (if any) is open; open streams as a detail. */
  static SseHealth of(Hub hub, @Nullable SseRouter router) {
    Map<String, Object> details = new LinkedHashMap<>();
    BrokerHealth broker;
    try {
      broker = hub.broker().health();
    } catch (RuntimeException e) {
      broker = BrokerHealth.down("health check failed: " + e);
    }
    details.put("broker", hub.broker().getClass().getSimpleName());
    details.put("brokerStatus", broker.detail());
    details.put("openStreams", router != null ? router.openStreams() : hub.streamCount());
    boolean up = broker.up();
    if (router != null && router.isClosed()) {
      details.put("router", "closed");
      up = false;
    }
    return new SseHealth(up, details);
  }
}
