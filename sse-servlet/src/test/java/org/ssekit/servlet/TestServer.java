package org.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.Map;

/** An embedded container serving some servlets on 127.0.0.1 and an ephemeral port. */
interface TestServer extends AutoCloseable {

  /** Starts containers of one kind. */
  interface Factory {
    /**
     * Starts a container with {@code mounts} (servlet mapping to servlet, all async-supported).
     *
     * @param sendBuffer the accepted sockets' send buffer in bytes, 0 for the default
     */
    TestServer start(Map<String, HttpServlet> mounts, int sendBuffer) throws Exception;

    /** True when clients should speak HTTP/2 (h2c) to it. */
    default boolean http2() {
      return false;
    }
  }

  /** The absolute URI of {@code path}. */
  URI uri(String path);

  /** The port. */
  int port();

  /** Live threads of the container's request pool. */
  int poolThreads();

  /** Stops the container; servlets are destroyed. */
  @Override
  void close() throws Exception;
}
