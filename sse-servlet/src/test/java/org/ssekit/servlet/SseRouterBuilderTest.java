package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;

class SseRouterBuilderTest {

  @Test
  void refusesHubOptionsNextToAGivenHubAndSaysWhichWasSetFirst() {
    try (Hub hub = Hub.create()) {
      assertThatThrownBy(
              () -> SseRouter.builder().hub(h -> h.heartbeat(Duration.ofSeconds(1)).queueCapacity(8)).hub(hub))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("hub(Consumer) was already set");
      assertThatThrownBy(() -> SseRouter.builder().hub(hub).hub(h -> h.queueCapacity(8)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("hub(Hub) was already set");
    }
  }

  @Test
  void appliesHubOptionsToTheHubItBuildsAndOwns() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    SseRouter r =
        SseRouter.builder()
            .hub(
                h -> {
                  calls.incrementAndGet();
                  h.queueCapacity(8).heartbeat(Duration.ZERO);
                })
            .build();
    assertThat(calls).hasValue(1);
    Hub built = r.hub();
    r.close();
    assertThat(built.publish("t", org.ssekit.Event.of("x")).toCompletableFuture())
        .isCompletedExceptionally();
  }

  @Test
  void refusesCredentialsForAnyOrigin() {
    assertThatThrownBy(() -> SseRouter.builder().allowOrigins("*").allowCredentials(true).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SseRouter.builder().allowOrigins("https://a.example/"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesATopicThatNamesAnUnknownPathParameter() {
    try (SseRouter r = SseRouter.create()) {
      assertThatThrownBy(() -> r.handler("/posts/{id}", "post-{postId}", StreamAdapter.passThrough()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[postId]");
      assertThat(r.handler("/posts/{id}", "post-{id}", StreamAdapter.passThrough())).isNotNull();
    }
  }

  @Test
  void leavesAGivenHubOpenAndClosesItsOwn() {
    try (Hub hub = Hub.create()) {
      SseRouter shared = SseRouter.builder().hub(hub).build();
      shared.close();
      assertThat(shared.isClosed()).isTrue();
      assertThat(hub.publish("t", org.ssekit.Event.of("x")).toCompletableFuture().isCompletedExceptionally())
          .isFalse();
    }
    SseRouter own = SseRouter.create();
    own.close();
    assertThat(own.hub().publish("t", org.ssekit.Event.of("x")).toCompletableFuture().isCompletedExceptionally())
        .isTrue();
  }
}
