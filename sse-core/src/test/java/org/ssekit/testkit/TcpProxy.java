package org.ssekit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for broker outage tests: listens on 127.0.0.1 (an ephemeral port) and pipes every
 * connection to a target. {@link #cut()} drops every proxied connection and closes new ones at
 * once, as a server that is down would; {@link #restore()} lets connections through again. Test
 * code only: plain blocking sockets, two daemon threads per proxied connection.
 */
public final class TcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean down;

  private TcpProxy(String host, int port) {
    this.target = new InetSocketAddress(host, port);
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for the proxy", e);
    }
    Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  /** Starts a proxy to {@code host:port}. */
  public static TcpProxy start(String host, int port) {
    return new TcpProxy(host, port);
  }

  /** The local port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** How many connections were accepted and forwarded so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Drops every proxied connection and refuses (closes at once) new ones until restored. */
  public void cut() {
    down = true;
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  /** Lets new connections through again. */
  public void restore() {
    down = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // the proxy was closed
      }
      if (down) {
        closeQuietly(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 2000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      accepted.incrementAndGet();
      sockets.add(client);
      sockets.add(upstream);
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side went away, or cut() closed it: close both below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Stops listening and drops every connection. */
  @Override
  public void close() {
    cut();
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
