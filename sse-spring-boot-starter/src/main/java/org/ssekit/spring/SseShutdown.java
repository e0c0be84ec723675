package org.ssekit.spring;

import org.springframework.context.SmartLifecycle;
import org.ssekit.servlet.SseRouter;

/**
 * Closes the router when the application stops, before the web server's graceful shutdown: that
 * shutdown waits for active requests, and every open stream is one, so without this it would wait
 * out its whole timeout and then cut the streams. Closing first ends each stream after a last
 * flush (the clients see a clean end and reconnect elsewhere) and answers new streams 503. The hub
 * and the broker are closed afterwards, as beans, in that order.
 */
final class SseShutdown implements SmartLifecycle {

  /**
   * Stops before Spring Boot's {@code WebServerGracefulShutdownLifecycle} ({@code DEFAULT_PHASE -
   * 1024}): a higher phase stops earlier.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final SseRouter router;
  private volatile boolean running;

  SseShutdown(SseRouter router) {
    this.router = router;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    router.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
