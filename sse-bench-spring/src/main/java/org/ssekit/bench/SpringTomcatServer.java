package org.ssekit.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.ssekit.spring.SseAutoConfiguration;

/**
 * {@code spring-tomcat}: a plain Spring Boot 4 application with Spring MVC's own {@link SseEmitter}
 * on Boot's default embedded Tomcat, written the way Spring's documentation shows: a
 * {@code @RestController} returns one emitter per subscriber, a registry keeps the emitters of each
 * topic, and publishing loops over them with {@code emitter.send(...)}. The same application code
 * as sse-bench's {@code spring} (Spring MVC 6 in a {@code DispatcherServlet} on Jetty), here as a
 * Boot user runs it.
 */
final class SpringTomcatServer implements BenchServer {
  private ServletWebServerApplicationContext context;
  private Emitters emitters;

  @Override
  public int start(int port, Duration heartbeat) {
    long millis = BenchBoot.heartbeatMillis("spring-tomcat", heartbeat);
    context = BenchBoot.run(App.class, "spring-tomcat", port, List.of("--bench.heartbeat-millis=" + millis));
    emitters = context.getBean(Emitters.class);
    return BenchBoot.port(context);
  }

  @Override
  public void publish(String topic, String data) {
    emitters.publish(topic, data);
  }

  @Override
  public int subscribers() {
    return emitters.count();
  }

  @Override
  public void close() {
    if (context != null) {
      context.close();
    }
  }

  /**
   * The application: auto-configured Spring MVC on Tomcat, scheduling for the heartbeat. ssekit's
   * starter is on this jar's class path for the other server: it is left out here.
   */
  @SpringBootConfiguration
  @EnableAutoConfiguration(exclude = SseAutoConfiguration.class)
  @EnableScheduling
  @Import({Emitters.class, Streams.class, BenchBoot.ConnectorProperties.class})
  static class App {}

  /** The subscribe endpoint. */
  @RestController
  static class Streams {
    private final Emitters emitters;

    Streams(Emitters emitters) {
      this.emitters = emitters;
    }

    @GetMapping(path = "/sse/{topic}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter subscribe(@PathVariable("topic") String topic) {
      return emitters.subscribe(topic);
    }
  }

  /** The emitters of each topic, in a {@link CopyOnWriteArrayList} per topic. */
  static class Emitters {
    private final Map<String, List<SseEmitter>> topics = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    SseEmitter subscribe(String topic) {
      SseEmitter emitter = new SseEmitter(0L); // no timeout
      List<SseEmitter> list = topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
      list.add(emitter);
      count.incrementAndGet();
      emitter.onCompletion(() -> remove(list, emitter));
      emitter.onError(e -> remove(list, emitter));
      try {
        // Spring commits the response only with the first event: send a comment so that the client
        // sees the stream open at once, as every other server does
        emitter.send(SseEmitter.event().comment(""));
      } catch (IOException e) {
        remove(list, emitter);
      }
      return emitter;
    }

    void publish(String topic, String data) {
      List<SseEmitter> list = topics.get(topic);
      if (list != null) {
        send(list, SseEmitter.event().data(data));
      }
    }

    @Scheduled(fixedRateString = "${bench.heartbeat-millis}", initialDelayString = "${bench.heartbeat-millis}")
    void heartbeat() {
      topics.values().forEach(list -> send(list, SseEmitter.event().comment("")));
    }

    int count() {
      return count.get();
    }

    private void send(List<SseEmitter> list, SseEmitter.SseEventBuilder event) {
      for (SseEmitter emitter : list) {
        try {
          emitter.send(event);
        } catch (IOException | RuntimeException e) {
          remove(list, emitter); // a client gone mid-write must not cost the others this event
        }
      }
    }

    private void remove(List<SseEmitter> list, SseEmitter emitter) {
      if (list.remove(emitter)) {
        count.decrementAndGet();
      }
    }
  }
}
