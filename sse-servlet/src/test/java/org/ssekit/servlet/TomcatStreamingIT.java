package org.ssekit.servlet;

/** The servlet contract on embedded Tomcat 11 over HTTP/1.1. */
class TomcatStreamingIT extends ServletStreamingContract {
  @Override
  protected TestServer.Factory factory() {
    return TomcatServer.factory();
  }
}
