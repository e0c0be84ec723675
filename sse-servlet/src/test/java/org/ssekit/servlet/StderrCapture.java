package org.ssekit.servlet;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Records what is written to {@code System.err} (where slf4j-simple logs) while it is open, and
 * still passes it through. The test resources set {@code StreamServlet} and {@code
 * PublishServlet} to DEBUG, so their client-error lines are visible.
 */
final class StderrCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

  private StderrCapture() {
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (seen) {
              seen.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (seen) {
              seen.write(b, off, len);
            }
            original.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  static StderrCapture start() {
    return new StderrCapture();
  }

  /** The lines written so far. */
  List<String> lines() {
    String text;
    synchronized (seen) {
      text = seen.toString(StandardCharsets.UTF_8);
    }
    return Arrays.stream(text.split("\n")).filter(l -> !l.isEmpty()).collect(Collectors.toList());
  }

  /** The lines containing {@code text}. */
  List<String> linesWith(String text) {
    return lines().stream().filter(l -> l.contains(text)).collect(Collectors.toList());
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }
}
