package org.ssekit.examples.microblog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.Hub;
import org.ssekit.InitialResponse;
import org.ssekit.StreamRequest;
import org.ssekit.examples.Templates;
import org.ssekit.examples.TestStream;

class MicroblogAppTest {

  private final Hub hub = Hub.builder().heartbeat(Duration.ZERO).build();
  private final Templates templates = Templates.precompiled();
  private final MicroblogApp app = MicroblogApp.create(hub, templates);
  private final StatsAdapter adapter = new StatsAdapter(app.blog(), templates);

  @AfterEach
  void close() {
    hub.close();
  }

  private static StreamRequest stats(String id) {
    return StreamRequest.builder().path("/posts/" + id + "/stats").pathParam("id", id).build();
  }

  @Test
  void statsUrlAnswersAPlainGetWithTheFragmentAndStartsAStreamWithIt() {
    app.blog().react(1, Reaction.LIKE);
    InitialResponse r = adapter.initial(stats("1"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/html");
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(body).contains("data-counter=\"like\"").contains("<b>1</b>").doesNotContain("bump");
    assertThat(r.events()).singleElement().satisfies(e -> {
      assertThat(e.name()).contains("stats");
      assertThat(e.data()).contains(body);
    });
  }

  @Test
  void rejectsUnknownAndMalformedPostIds() {
    assertThat(adapter.initial(stats("42")).status()).isEqualTo(404);
    assertThat(adapter.initial(stats("abc")).status()).isEqualTo(400);
  }

  @Test
  void readsThePostIdFromThePathWhenTheTransportGivesNoPathParameter() {
    assertThat(adapter.routingKey(StreamRequest.of("/posts/2/stats"))).contains("2");
  }

  @Test
  void aReactionReachesOnlyTheViewersOfThatPostWithTheChangedCounterHighlighted() {
    TestStream viewerOfOne = TestStream.open(hub, MicroblogApp.TOPIC, adapter, stats("1"));
    TestStream otherViewerOfOne = TestStream.open(hub, MicroblogApp.TOPIC, adapter, stats("1"));
    TestStream viewerOfTwo = TestStream.open(hub, MicroblogApp.TOPIC, adapter, stats("2"));

    app.blog().react(1, Reaction.FIRE);

    await().atMost(Duration.ofSeconds(5)).until(() -> viewerOfOne.data("stats").size() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> otherViewerOfOne.data("stats").size() == 2);
    String update = viewerOfOne.data("stats").get(1);
    assertThat(update).contains("class=\"counter bump\" data-counter=\"fire\"");
    assertThat(update).contains("class=\"counter\" data-counter=\"views\"");
    // post 2's viewer got its initial fragment and nothing since, even after a later change of its own
    app.blog().view(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> viewerOfTwo.data("stats").size() == 2);
    assertThat(viewerOfTwo.data("stats").get(1)).contains("data-post=\"2\"").contains("class=\"counter bump\" data-counter=\"views\"");
    assertThat(viewerOfOne.data("stats")).hasSize(2);
  }

  @Test
  void theFeedStartsWithEveryPostsCountersAndGetsEachChangeNamedForItsPost() {
    FeedAdapter feed = new FeedAdapter(app.blog(), templates);
    TestStream reader = TestStream.open(hub, MicroblogApp.FEED_TOPIC, feed, StreamRequest.of("/posts/stats"));
    int posts = app.blog().posts().size();
    assertThat(posts).isGreaterThan(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> app.blog().posts().stream().allMatch(p -> reader.data("stats-" + p.id()).size() == 1));
    for (Post p : app.blog().posts()) {
      assertThat(reader.data("stats-" + p.id())).singleElement().asString().contains("data-post=\"" + p.id() + "\"");
    }

    app.blog().react(2, Reaction.LIKE);

    await().atMost(Duration.ofSeconds(5)).until(() -> reader.data("stats-2").size() == 2);
    assertThat(reader.data("stats-2").get(1)).contains("class=\"counter bump\" data-counter=\"like\"");
    assertThat(reader.data("stats-1")).hasSize(1);
  }

  @Test
  void oneViewIsSingularAndOtherCountsPlural() {
    assertThat(new String(adapter.initial(stats("1")).body(), StandardCharsets.UTF_8)).contains("<b>0</b> views<");
    app.blog().view(1);
    assertThat(new String(adapter.initial(stats("1")).body(), StandardCharsets.UTF_8)).contains("<b>1</b> view<");
    app.blog().view(1);
    assertThat(new String(adapter.initial(stats("1")).body(), StandardCharsets.UTF_8)).contains("<b>2</b> views<");
  }
}
