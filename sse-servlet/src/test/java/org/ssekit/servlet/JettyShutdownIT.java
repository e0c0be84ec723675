package org.ssekit.servlet;

import java.util.Map;
import org.eclipse.jetty.util.component.LifeCycle;

/** Jetty stops its connectors before it destroys servlets: the router is closed when it starts stopping. */
class JettyShutdownIT extends ShutdownContract {
  @Override
  protected TestServer start(SseRouter router, String topic) throws Exception {
    return JettyServer.start(
        Map.of("/events", router.handler(topic)),
        false,
        0,
        server -> {
          server.setStopTimeout(5_000); // graceful stop on, as in production
          server.addEventListener(
              new LifeCycle.Listener() {
                @Override
                public void lifeCycleStopping(LifeCycle event) {
                  router.close();
                }
              });
        });
  }
}
