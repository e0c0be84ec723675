package org.ssekit.servlet;

/** Many-client behaviour on embedded Jetty 12 (ee10). */
class JettyLoadIT extends LoadContract {
  @Override
  protected TestServer.Factory factory() {
    return JettyServer.factory(false);
  }
}
