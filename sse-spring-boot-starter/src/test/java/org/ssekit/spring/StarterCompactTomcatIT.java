package org.ssekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.ssekit.servlet.tomcat.CompactHttp11NioProtocol;

/** The starter on Tomcat with {@code ssekit.tomcat.compact-buffers=true}: the whole contract, on the compact protocol. */
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "spring.autoconfigure.exclude=" + StarterTomcatIT.JETTY,
        "ssekit.tomcat.compact-buffers=true"})
class StarterCompactTomcatIT extends StarterContract {

  @Override
  String webServer() {
    return "TomcatWebServer";
  }

  @Override
  String[] containerProperties() {
    return new String[] {"spring.autoconfigure.exclude=" + StarterTomcatIT.JETTY, "ssekit.tomcat.compact-buffers=true"};
  }

  @Test
  void theConnectorRunsOnTheCompactProtocol() {
    TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
    assertThat(server.getTomcat().getService().findConnectors()[0].getProtocolHandler())
        .isInstanceOf(CompactHttp11NioProtocol.class);
    assertThat(((CompactHttp11NioProtocol) server.getTomcat().getService().findConnectors()[0].getProtocolHandler())
        .getDesiredBufferSize()).isEqualTo(CompactHttp11NioProtocol.DEFAULT_SERVLET_BUFFER_SIZE);
    // Spring Boot's server.max-http-response-header-size (8 KB unless set) is applied after the protocol's 4 KB
    assertThat(((CompactHttp11NioProtocol) server.getTomcat().getService().findConnectors()[0].getProtocolHandler())
        .getMaxHttpResponseHeaderSize()).isEqualTo(8192);
  }
}
