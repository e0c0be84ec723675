package org.ssekit.servlet;

/** The servlet contract on embedded Jetty 12 (ee10) over HTTP/2 without TLS (h2c). */
class JettyH2cStreamingIT extends ServletStreamingContract {
  @Override
  protected TestServer.Factory factory() {
    return JettyServer.factory(true);
  }
}
