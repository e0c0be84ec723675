package org.ssekit.servlet;

/** The servlet contract on embedded Jetty 12 (ee10) over HTTP/1.1. */
class JettyStreamingIT extends ServletStreamingContract {
  @Override
  protected TestServer.Factory factory() {
    return JettyServer.factory(false);
  }
}
