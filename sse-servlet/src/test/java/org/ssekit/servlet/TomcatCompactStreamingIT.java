package org.ssekit.servlet;

/** The servlet contract on embedded Tomcat 11 with {@code CompactHttp11NioProtocol}'s small buffers. */
class TomcatCompactStreamingIT extends ServletStreamingContract {
  @Override
  protected TestServer.Factory factory() {
    return TomcatServer.compactFactory();
  }
}
