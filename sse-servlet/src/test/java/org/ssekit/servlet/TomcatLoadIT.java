package org.ssekit.servlet;

/** Many-client behaviour on embedded Tomcat 11. */
class TomcatLoadIT extends LoadContract {
  @Override
  protected TestServer.Factory factory() {
    return TomcatServer.factory();
  }
}
