package org.ssekit.servlet;

/** Many-client behaviour on embedded Tomcat 11 with {@code CompactHttp11NioProtocol}. */
class TomcatCompactLoadIT extends LoadContract {
  @Override
  protected TestServer.Factory factory() {
    return TomcatServer.compactFactory();
  }
}
