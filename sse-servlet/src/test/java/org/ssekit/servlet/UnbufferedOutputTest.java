package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;

class UnbufferedOutputTest {

  @Test
  void leavesStreamsOfOtherContainersAlone() {
    ServletOutputStream other =
        new ServletOutputStream() {
          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setWriteListener(WriteListener writeListener) {}

          @Override
          public void write(int b) {}
        };
    // Tomcat's stream also has write(ByteBuffer) (Servlet 6.1), but buffers: only Jetty's is wrapped
    assertThat(UnbufferedOutput.wrap(other)).isSameAs(other);
  }
}
