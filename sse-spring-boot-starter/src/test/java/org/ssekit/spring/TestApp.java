package org.ssekit.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;

/** The application of the tests: properties-only streams (application.properties) plus one bean-defined stream. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApp {

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
