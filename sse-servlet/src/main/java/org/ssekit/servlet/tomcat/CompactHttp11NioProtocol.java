package org.ssekit.servlet.tomcat;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's NIO HTTP/1.1 protocol with per-connection buffers sized for a server that keeps many
 * event streams open: an async request holds its connection's buffers for its whole life, and with
 * Tomcat's defaults they are about 100 KB of heap per open stream.
 *
 * <p>Compared with {@link Http11NioProtocol}, this protocol starts from these defaults (each is a
 * connector property and can be set back, e.g. {@code connector.setProperty("socket.appReadBufSize",
 * "8192")}):
 *
 * <table>
 *   <caption>Defaults that differ from Tomcat's</caption>
 *   <tr><th>property</th><th>Tomcat</th><th>here</th><th>what it holds</th></tr>
 *   <tr><td>{@code servletBufferSize} (new)</td><td>8192</td><td>1024</td><td>the servlet
 *       response's byte buffer and its char buffer (twice as many bytes), held by every response
 *       on the connector; a response may still grow it with {@code setBufferSize}</td></tr>
 *   <tr><td>{@code socket.appReadBufSize}</td><td>8192</td><td>1024</td><td>the socket's read
 *       buffer, and as much again in the HTTP/1.1 input buffer</td></tr>
 *   <tr><td>{@code socket.appWriteBufSize}</td><td>8192</td><td>4096</td><td>the socket's write
 *       buffer</td></tr>
 *   <tr><td>{@code maxHttpResponseHeaderSize}</td><td>8192</td><td>4096</td><td>the response head;
 *       a response whose headers do not fit fails</td></tr>
 *   <tr><td>{@code maxTrailerSize}</td><td>8192</td><td>256</td><td>trailers of a chunked request
 *       body</td></tr>
 * </table>
 *
 * <p>What it costs the rest of the application on the same connector: a response larger than 1 KB
 * is sent in chunks instead of with a computed {@code Content-Length} (unless it sets one or calls
 * {@code setBufferSize}), request bodies are read 1 KB at a time, and response heads over 4 KB or
 * request trailers over 256 bytes are refused. Request headers keep Tomcat's 8 KB ({@code
 * maxHttpHeaderSize}). docs/servlet-guide.md has the figures per open stream.
 *
 * <p>Use it by class name, which is how Tomcat instantiates protocols (hence the public
 * constructor): {@code new Connector(CompactHttp11NioProtocol.class.getName())} on embedded
 * Tomcat, {@code protocol="org.ssekit.servlet.tomcat.CompactHttp11NioProtocol"} in {@code
 * server.xml}, or {@code TomcatServletWebServerFactory.setProtocol(...)} in Spring Boot. Tested
 * over HTTP/1.1 on Tomcat 10.1 and 11; the stream servlets need no change.
 */
public class CompactHttp11NioProtocol extends Http11NioProtocol {

  /** Default {@link #setServletBufferSize servlet response buffer}, in bytes. */
  public static final int DEFAULT_SERVLET_BUFFER_SIZE = 1024;

  private volatile int servletBufferSize = DEFAULT_SERVLET_BUFFER_SIZE;

  /** Creates the protocol with the smaller defaults; Tomcat calls this by the class name. */
  public CompactHttp11NioProtocol() {
    setMaxHttpResponseHeaderSize(4096);
    setMaxTrailerSize(256);
    getEndpoint().getSocketProperties().setAppReadBufSize(1024);
    getEndpoint().getSocketProperties().setAppWriteBufSize(4096);
  }

  /** The size of each servlet response's buffer, in bytes; see {@link #setServletBufferSize}. */
  public int getServletBufferSize() {
    return servletBufferSize;
  }

  /**
   * Sets the size of each servlet response's buffer (Tomcat's own is 8192), the connector property
   * {@code servletBufferSize}. Applies to requests the connector creates processors for from then
   * on; set it before the connector starts.
   *
   * @throws IllegalArgumentException if {@code bytes} is below 256
   */
  public void setServletBufferSize(int bytes) {
    if (bytes < 256) {
      throw new IllegalArgumentException("servletBufferSize must be at least 256 bytes: " + bytes);
    }
    servletBufferSize = bytes;
  }

  /** Tomcat's connector sizes each servlet response's buffer from this. */
  @Override
  public int getDesiredBufferSize() {
    return servletBufferSize;
  }
}
