package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.servlet.tomcat.CompactHttp11NioProtocol;

/** {@link CompactHttp11NioProtocol}'s buffer sizes reach Tomcat, and ordinary responses still work. */
class TomcatCompactProtocolIT {

  private final HttpClient client = HttpClient.newHttpClient();
  private Tomcat tomcat;

  @AfterEach
  void stop() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  /** Reports the servlet response's buffer size, then writes {@code ?bytes=} bytes of body. */
  static final class Probe extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      int n = Integer.parseInt(req.getParameter("bytes"));
      resp.setContentType("text/plain");
      StringBuilder body = new StringBuilder(resp.getBufferSize() + "\n");
      for (int i = 0; i < n; i++) {
        body.append((char) ('a' + i % 26));
      }
      resp.getWriter().write(body.toString());
    }
  }

  private Connector start(String... properties) throws Exception {
    Path base = Files.createTempDirectory("tomcat-compact");
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector(CompactHttp11NioProtocol.class.getName());
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    for (int i = 0; i < properties.length; i += 2) {
      assertThat(connector.setProperty(properties[i], properties[i + 1])).as(properties[i]).isTrue();
    }
    tomcat.setConnector(connector);
    Context ctx = tomcat.addContext("", base.toString());
    Tomcat.addServlet(ctx, "probe", new Probe());
    ctx.addServletMapping("/probe", "probe");
    tomcat.start();
    return connector;
  }

  private HttpResponse<String> get(Connector connector, int bytes) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/probe?bytes=" + bytes);
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void connectorStartsFromTheSmallerDefaults() throws Exception {
    Connector connector = start();
    CompactHttp11NioProtocol protocol = (CompactHttp11NioProtocol) connector.getProtocolHandler();
    assertThat(protocol.getServletBufferSize()).isEqualTo(1024);
    assertThat(protocol.getMaxHttpResponseHeaderSize()).isEqualTo(4096);
    assertThat(protocol.getMaxTrailerSize()).isEqualTo(256);
    assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("1024");
    assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString("4096");

    HttpResponse<String> small = get(connector, 10);
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.body()).startsWith("1024\n").hasSize(5 + 10);
    assertThat(small.headers().firstValue("content-length")).hasValue("15");
  }

  @Test
  void aResponseLargerThanTheBufferArrivesWholeInChunks() throws Exception {
    Connector connector = start();
    HttpResponse<String> big = get(connector, 200_000);
    assertThat(big.statusCode()).isEqualTo(200);
    assertThat(big.body()).hasSize(5 + 200_000);
    assertThat(big.body().substring(5, 5 + 52)).isEqualTo("abcdefghijklmnopqrstuvwxyz".repeat(2));
    assertThat(big.body()).endsWith(String.valueOf((char) ('a' + (200_000 - 1) % 26)));
    assertThat(big.headers().firstValue("content-length")).isEmpty();
  }

  @Test
  void eachDefaultCanBeSetBackAsAConnectorProperty() throws Exception {
    Connector connector = start(
        "servletBufferSize", "8192",
        "socket.appReadBufSize", "8192",
        "maxHttpResponseHeaderSize", "8192");
    assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("8192");
    assertThat(((CompactHttp11NioProtocol) connector.getProtocolHandler()).getMaxHttpResponseHeaderSize())
        .isEqualTo(8192);
    assertThat(get(connector, 10).body()).startsWith("8192\n");
  }

  @Test
  void aServletBufferBelow256BytesIsRefusedByName() {
    assertThatThrownBy(() -> new CompactHttp11NioProtocol().setServletBufferSize(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("servletBufferSize")
        .hasMessageContaining("100");
  }
}
