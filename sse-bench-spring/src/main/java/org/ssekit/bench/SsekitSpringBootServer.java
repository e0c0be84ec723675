package org.ssekit.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.ssekit.Event;
import org.ssekit.Hub;

/**
 * {@code ssekit-spring-boot}: ssekit's Spring Boot starter on Boot's default embedded Tomcat,
 * configured by properties alone ({@code ssekit-spring-boot.properties}: the stream
 * {@code /sse/{topic}} of topic {@code {topic}}), publishing with the injected {@link Hub} as
 * docs/spring-boot.md shows. No application code serves the streams.
 */
final class SsekitSpringBootServer implements BenchServer {
  private ServletWebServerApplicationContext context;
  private Hub hub;

  @Override
  public int start(int port, Duration heartbeat) {
    List<String> args = new ArrayList<>();
    args.add("--ssekit.heartbeat=" + heartbeat.toMillis() + "ms");
    if (!Boolean.parseBoolean(System.getProperty("bench.ssekitHistory", "true"))) {
      args.add("--ssekit.history.enabled=false"); // like the peers, keep no history
    }
    context = BenchBoot.run(App.class, "ssekit-spring-boot", port, args);
    hub = context.getBean(Hub.class);
    return BenchBoot.port(context);
  }

  @Override
  public void publish(String topic, String data) {
    hub.publish(topic, Event.of(data));
  }

  @Override
  public int subscribers() {
    return hub.streamCount();
  }

  @Override
  public void close() {
    if (context != null) {
      context.close();
    }
  }

  /** The application: nothing but auto-configuration (Spring MVC on Tomcat, ssekit's starter). */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(BenchBoot.ConnectorProperties.class)
  static class App {}
}
