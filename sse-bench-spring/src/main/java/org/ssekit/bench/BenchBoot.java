package org.ssekit.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the Spring Boot servers start: {@code SpringApplication.run} with Boot's embedded Tomcat set up
 * by {@code server.*} properties ({@code bench-tomcat.properties}) the way sse-bench's
 * {@code ssekit-tomcat} sets up its connector by hand, so that the Tomcat servers differ only in
 * what runs on the container.
 */
final class BenchBoot {
  private BenchBoot() {}

  /**
   * Starts {@code app} on 127.0.0.1:{@code port} (0: ephemeral) with the properties files
   * {@code bench-tomcat} and {@code name} from the class path, then {@code args} (command-line
   * properties, {@code --name=value}, which win over the files).
   *
   * @throws IllegalStateException if Boot picked another web server than Tomcat
   */
  static ServletWebServerApplicationContext run(Class<?> app, String name, int port, List<String> args) {
    int maxThreads = ServerHost.maxThreads(); // the same pool maximum as every other server
    List<String> all = new ArrayList<>();
    all.add("--spring.config.name=bench-tomcat," + name);
    all.add("--server.port=" + port);
    all.add("--server.tomcat.threads.max=" + maxThreads);
    all.add("--server.tomcat.threads.min-spare=" + Math.min(10, maxThreads));
    all.addAll(args);
    ConfigurableApplicationContext context = SpringApplication.run(app, all.toArray(String[]::new));
    ServletWebServerApplicationContext web = (ServletWebServerApplicationContext) context;
    WebServer server = web.getWebServer();
    if (!(server instanceof TomcatWebServer)) {
      context.close();
      throw new IllegalStateException("expected Spring Boot's Tomcat, got " + server);
    }
    return web;
  }

  static int port(ServletWebServerApplicationContext context) {
    return context.getWebServer().getPort();
  }

  /** The heartbeat period in milliseconds, for a property; the bench servers always send one. */
  static long heartbeatMillis(String kind, Duration heartbeat) {
    if (heartbeat.isZero() || heartbeat.isNegative()) {
      throw new IllegalArgumentException(kind + " needs a positive heartbeat, got " + heartbeat);
    }
    return heartbeat.toMillis();
  }

  /**
   * {@code -Dbench.tomcat.<property>=<value>} sets any connector property, and {@code
   * -Dbench.tomcatProtocol=<class>} the connector's protocol, as they do for {@code ssekit-tomcat};
   * with none set this changes nothing.
   */
  @Configuration(proxyBeanMethods = false)
  static class ConnectorProperties {
    @Bean
    TomcatConnectorCustomizer benchConnectorProperties() {
      return connector -> {
        for (String key : System.getProperties().stringPropertyNames()) {
          if (key.startsWith("bench.tomcat.")) {
            connector.setProperty(key.substring("bench.tomcat.".length()), System.getProperty(key));
          }
        }
      };
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> benchConnectorProtocol() {
      return factory -> {
        String protocol = System.getProperty("bench.tomcatProtocol");
        if (protocol != null) {
          factory.setProtocol(protocol);
        }
      };
    }
  }
}
