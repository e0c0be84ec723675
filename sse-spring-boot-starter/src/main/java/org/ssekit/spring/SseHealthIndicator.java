package org.ssekit.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.ssekit.Hub;
import org.ssekit.servlet.SseRouter;

/** The {@code ssekit} health indicator on Spring Boot 4 ({@code spring-boot-health}). */
final class SseHealthIndicator implements HealthIndicator {

  private final Hub hub;
  private final @Nullable SseRouter router;

  SseHealthIndicator(Hub hub, @Nullable SseRouter router) {
    this.hub = hub;
    this.router = router;
  }

  @Override
  public Health health() {
    SseHealth h = SseHealth.of(hub, router);
    return (h.up ? Health.up() : Health.down()).withDetails(h.details).build();
  }
}
