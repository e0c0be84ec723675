package org.ssekit.spring.comparison;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Stream + publish + an open-streams gauge with Spring MVC's SseEmitter: no heartbeat, history,
 * resume, limits or body validation, and the publisher's thread writes to every client.
 */
@RestController
class EmitterController {
  private final Map<String, Set<SseEmitter>> emitters = new ConcurrentHashMap<>();
  private final String token;

  EmitterController(@Value("${publish.token}") String token, MeterRegistry registry) {
    this.token = token;
    Gauge.builder("sse.streams.open", emitters, m -> m.values().stream().mapToInt(Set::size).sum()).register(registry);
  }

  @GetMapping(path = "/sse/{topic}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream(@PathVariable String topic) {
    SseEmitter emitter = new SseEmitter(0L);
    Set<SseEmitter> set = emitters.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet());
    set.add(emitter);
    emitter.onCompletion(() -> set.remove(emitter));
    emitter.onTimeout(() -> set.remove(emitter));
    emitter.onError(e -> set.remove(emitter));
    return emitter;
  }

  @PostMapping("/api/topics/{topic}/events")
  ResponseEntity<Void> publish(@PathVariable String topic,
      @RequestHeader(name = "Authorization", required = false) String auth, @RequestBody Map<String, String> body) {
    if (!("Bearer " + token).equals(auth)) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
    }
    for (SseEmitter emitter : emitters.getOrDefault(topic, Set.of())) {
      try {
        SseEmitter.SseEventBuilder event = SseEmitter.event().data(body.get("data"));
        if (body.get("event") != null) {
          event.name(body.get("event"));
        }
        emitter.send(event);
      } catch (IOException | IllegalStateException e) {
        emitter.completeWithError(e);
      }
    }
    return ResponseEntity.accepted().build();
  }
}
