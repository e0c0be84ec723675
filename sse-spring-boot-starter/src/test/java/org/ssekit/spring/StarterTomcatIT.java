package org.ssekit.spring;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The starter on Tomcat. Both containers are on the test classpath, and Spring Boot 4 then picks
 * Jetty, so Jetty's auto-configuration is excluded here.
 */
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.autoconfigure.exclude=" + StarterTomcatIT.JETTY)
class StarterTomcatIT extends StarterContract {

  static final String JETTY = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";

  @Override
  String webServer() {
    return "TomcatWebServer";
  }

  @Override
  String[] containerProperties() {
    return new String[] {"spring.autoconfigure.exclude=" + JETTY};
  }
}
