package org.ssekit.spring;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.ssekit.Event;
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

  /**
   * Spring Security on: every request is allowed, HTTP Basic authenticates when credentials are
   * sent, so a stream request may carry a principal.
   */
  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .httpBasic(Customizer.withDefaults())
        .csrf(c -> c.disable())
        .build();
  }

  @Bean
  UserDetailsService users() {
    return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}wonderland").roles("USER").build());
  }

  /** A stream for authenticated users only, greeting them by the name the adapter sees. */
  @Bean
  SseStream meStream() {
    return SseStream.of("/me/{topic}", "{topic}", new StreamAdapter() {
      @Override
      public InitialResponse initial(StreamRequest request) {
        return request.principal()
            .map(name -> InitialResponse.accept(Event.of("hello", name)))
            .orElseGet(() -> InitialResponse.reject(401, "log in first"));
      }
    });
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
