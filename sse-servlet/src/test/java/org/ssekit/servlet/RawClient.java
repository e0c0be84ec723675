package org.ssekit.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare HTTP/1.1 client on a plain socket, for what the JDK client cannot do: choose the local
 * address, stop reading while the server keeps writing, or drop the connection with a reset.
 */
final class RawClient implements AutoCloseable {

  final Socket socket;
  final int status;
  final String head;

  private RawClient(Socket socket, int status, String head) {
    this.socket = socket;
    this.status = status;
    this.head = head;
  }

  /**
   * Connects from {@code localAddress} (null for any), sends a GET for an event stream and reads
   * the status line and headers.
   *
   * @param receiveBuffer the socket's receive buffer in bytes, 0 for the default
   */
  static RawClient open(String localAddress, int port, String path, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    if (localAddress != null) {
      s.bind(new InetSocketAddress(localAddress, 0));
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(5_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int status = h.length() >= 12 ? Integer.parseInt(h.substring(9, 12)) : -1;
    return new RawClient(s, status, h);
  }

  /** Reads the body until {@code text} has arrived (chunk framing included), or times out. */
  boolean awaitText(String text, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    InputStream in = socket.getInputStream();
    StringBuilder seen = new StringBuilder();
    byte[] buf = new byte[4096];
    while (System.nanoTime() < deadline) {
      int n;
      try {
        n = in.read(buf);
      } catch (java.net.SocketTimeoutException e) {
        continue;
      }
      if (n < 0) {
        return false;
      }
      seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      if (seen.indexOf(text) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends {@code request} (head and any body bytes, exactly as given) on a new connection, then,
   * if {@code thenFinish}, half-closes it (FIN), and reads the answer until the server closes the
   * connection or {@code timeout} passes.
   *
   * @return what arrived, as ISO-8859-1 text (status line, headers, body)
   */
  static String exchange(int port, byte[] request, boolean thenFinish, Duration timeout) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(200);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      if (thenFinish) {
        s.shutdownOutput();
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        int n;
        try {
          n = in.read(buf);
        } catch (java.net.SocketTimeoutException e) {
          continue;
        } catch (java.net.SocketException e) {
          break; // reset after the answer
        }
        if (n < 0) {
          break;
        }
        got.write(buf, 0, n);
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** {@link #exchange(int, byte[], boolean, Duration)} of an ASCII request. */
  static String exchange(int port, String request, boolean thenFinish, Duration timeout) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), thenFinish, timeout);
  }

  /** Drops the connection with a TCP reset (linger 0), as a crashed client or a dead network would. */
  void abort() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
