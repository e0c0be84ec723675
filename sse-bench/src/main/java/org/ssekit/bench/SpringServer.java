package org.ssekit.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Spring MVC 6 {@link SseEmitter} in a {@link DispatcherServlet} on Jetty 12 ee10; the app keeps
 * the emitters of each topic in a list and loops over them to broadcast, as Spring's
 * documentation shows.
 */
final class SpringServer implements BenchServer {
  static final Map<String, List<SseEmitter>> TOPICS = new ConcurrentHashMap<>();
  static final AtomicInteger COUNT = new AtomicInteger();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(r -> ServerHost.daemon(r, "spring-heartbeat"));
  private Server server;

  @Override
  public int start(int port, Duration heartbeat) throws Exception {
    TOPICS.clear();
    COUNT.set(0);
    AnnotationConfigWebApplicationContext spring = new AnnotationConfigWebApplicationContext();
    spring.register(Config.class, Controller.class);
    server = Jetty.server(port);
    ServletContextHandler ctx = new ServletContextHandler();
    ServletHolder holder = new ServletHolder(new DispatcherServlet(spring));
    holder.setAsyncSupported(true);
    holder.setInitOrder(1);
    ctx.addServlet(holder, "/");
    server.setHandler(ctx);
    server.start();
    long hb = heartbeat.toMillis();
    if (hb > 0) {
      heartbeats.scheduleAtFixedRate(
          () -> TOPICS.values().forEach(l -> send(l, SseEmitter.event().comment(""))),
          hb, hb, TimeUnit.MILLISECONDS);
    }
    return Jetty.port(server);
  }

  @Override
  public void publish(String topic, String data) {
    List<SseEmitter> emitters = TOPICS.get(topic);
    if (emitters != null) {
      send(emitters, SseEmitter.event().data(data));
    }
  }

  private static void send(List<SseEmitter> emitters, SseEmitter.SseEventBuilder event) {
    for (SseEmitter emitter : emitters) {
      try {
        emitter.send(event);
      } catch (IOException | RuntimeException e) {
        remove(emitters, emitter); // a client gone mid-write must not cost the others this event
      }
    }
  }

  static void remove(List<SseEmitter> emitters, SseEmitter emitter) {
    if (emitters.remove(emitter)) {
      COUNT.decrementAndGet();
    }
  }

  @Override
  public int subscribers() {
    return COUNT.get();
  }

  @Override
  public void close() throws Exception {
    heartbeats.shutdownNow();
    if (server != null) {
      server.stop();
    }
  }

  /** Spring MVC with its defaults. */
  @Configuration
  @EnableWebMvc
  static class Config {}

  /** The subscribe endpoint. */
  @RestController
  static class Controller {
    @GetMapping(path = "/sse/{topic}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter subscribe(@PathVariable("topic") String topic) {
      SseEmitter emitter = new SseEmitter(0L); // no timeout
      List<SseEmitter> emitters = TOPICS.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
      emitters.add(emitter);
      COUNT.incrementAndGet();
      emitter.onCompletion(() -> remove(emitters, emitter));
      emitter.onError(e -> remove(emitters, emitter));
      try {
        // Spring commits the response only with the first event: send a comment so the client
        // sees the stream open at once, as every other server here does.
        emitter.send(SseEmitter.event().comment(""));
      } catch (IOException e) {
        remove(emitters, emitter);
      }
      return emitter;
    }
  }
}
