package org.ssekit.spring;

import org.springframework.boot.test.context.SpringBootTest;

/** The starter on Jetty: Tomcat's auto-configuration excluded, so Spring Boot picks Jetty. */
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.autoconfigure.exclude=" + StarterJettyIT.TOMCAT)
class StarterJettyIT extends StarterContract {

  static final String TOMCAT = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

  @Override
  String webServer() {
    return "JettyServletWebServer";
  }

  @Override
  String[] containerProperties() {
    return new String[] {"spring.autoconfigure.exclude=" + TOMCAT};
  }
}
