package org.ssekit.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Jetty's servlet output stream from holding a buffer per stream.
 *
 * <p>Jetty 12's {@code HttpOutput} copies every {@code write(byte[], int, int)} no larger than its
 * aggregation size into an aggregate buffer of the response's buffer size (32 KiB, direct, from
 * the connector's pool, by default) and gives that buffer back only when the response ends. An
 * event stream never ends, so every stream that has written once keeps 32 KiB of direct memory
 * for the rest of its life. Shrinking the buffer with {@code setBufferSize(n)} does not help much:
 * Jetty then aggregates writes up to {@code n} (keeping a buffer of {@code n}, rounded up to the
 * pool's 4 KiB buckets) and cuts every larger write into pieces of {@code n}, each its own write
 * and wait, which is what made {@code setBufferSize(1024)} slow for batches of events.
 *
 * <p>{@code HttpOutput.write(ByteBuffer)} (public in Jetty 12; the Servlet 6.1 method) never
 * touches the aggregate buffer: it hands the caller's bytes to the connection as they are, in one
 * write up to the response buffer size. {@link StreamWriter} already coalesces events into batches
 * and flushes after each, so Jetty's copy was redundant; this wrapper sends every array write that
 * way, and drops the {@code flush()} that follows a write (there is nothing left to flush, and an
 * empty flush would cost a round through the connection). A {@code flush()} with no write before
 * it (the one that commits the headers) is passed on.
 *
 * <p>The caller must leave an array alone until {@link #isReady()} reports the write complete, as
 * with any non-blocking servlet write: Jetty's own {@code write(byte[], int, int)} keeps a
 * reference to arrays larger than its aggregation size the same way. {@link StreamWriter} only
 * reuses its batch buffer after {@code isReady()}, and event bytes are immutable.
 *
 * <p>Used on Jetty only ({@link #wrap} returns other containers' streams as they are: Tomcat copies
 * into a small heap buffer of its own). Not thread-safe, like the stream it wraps: its one writer
 * owns it.
 */
final class UnbufferedOutput extends ServletOutputStream {

  private static final Logger log = LoggerFactory.getLogger(UnbufferedOutput.class);

  /** {@code write(ByteBuffer)} of a Jetty output stream class, or null where not applicable. */
  private static final ClassValue<@Nullable MethodHandle> WRITE_BUFFER =
      new ClassValue<>() {
        @Override
        protected @Nullable MethodHandle computeValue(Class<?> type) {
          if (!type.getName().startsWith("org.eclipse.jetty.")) {
            return null;
          }
          try {
            return MethodHandles.publicLookup()
                .findVirtual(type, "write", MethodType.methodType(void.class, ByteBuffer.class))
                .asType(MethodType.methodType(void.class, ServletOutputStream.class, ByteBuffer.class));
          } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("{} has no usable write(ByteBuffer); its output buffer stays in use", type, e);
            return null;
          }
        }
      };

  private final ServletOutputStream out;
  private final MethodHandle writeBuffer;
  /** A write went out since the last flush passed on, so the next flush has nothing to do. */
  private boolean written;

  private UnbufferedOutput(ServletOutputStream out, MethodHandle writeBuffer) {
    this.out = out;
    this.writeBuffer = writeBuffer;
  }

  /** {@code out} wrapped if it is Jetty's, else {@code out} itself. */
  static ServletOutputStream wrap(ServletOutputStream out) {
    MethodHandle mh = WRITE_BUFFER.get(out.getClass());
    return mh == null ? out : new UnbufferedOutput(out, mh);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    try {
      writeBuffer.invokeExact(out, ByteBuffer.wrap(b, off, len));
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new UncheckedIOException(new IOException(t));
    }
    written = true;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void flush() throws IOException {
    if (written) {
      written = false; // already handed to the connection in full
      return;
    }
    out.flush();
  }

  @Override
  public boolean isReady() {
    return out.isReady();
  }

  @Override
  public void setWriteListener(WriteListener writeListener) {
    out.setWriteListener(writeListener);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  @Override
  public String toString() {
    return "UnbufferedOutput{" + out + "}";
  }
}
