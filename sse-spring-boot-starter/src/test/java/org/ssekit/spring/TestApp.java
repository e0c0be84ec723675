package org.ssekit.spring;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;

/** The application of the tests: properties-only streams (application.properties) plus one bean-defined stream. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApp {

  /**
   * The docs' way to keep streams out of {@code http.server.requests} (here only those under
   * /sse/untracked, so the other tests still see theirs).
   */
  @Bean
  ObservationPredicate untrackedStreams() {
    return (name, context) -> !(context instanceof ServerRequestObservationContext c
        && c.getCarrier().getRequestURI().startsWith("/sse/untracked"));
  }

  /** A stream only for requests with {@code X-Key: open-sesame}; others get 401. */
  @Bean
  SseStream securedStream() {
    return SseStream.of("/secure/{topic}", "{topic}", new StreamAdapter() {
      @Override
      public InitialResponse initial(StreamRequest request) {
        return request.header("X-Key").filter("open-sesame"::equals).isPresent()
            ? InitialResponse.accept()
            : InitialResponse.reject(401, "a key is needed");
      }
    });
  }
}
