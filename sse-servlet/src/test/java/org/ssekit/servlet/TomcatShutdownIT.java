package org.ssekit.servlet;

import java.util.Map;

/** Tomcat destroys servlets while connections are open: the servlet's destroy() alone suffices. */
class TomcatShutdownIT extends ShutdownContract {
  @Override
  protected TestServer start(SseRouter router, String topic) throws Exception {
    return TomcatServer.start(Map.of("/events", router.handler(topic)), 0);
  }
}
