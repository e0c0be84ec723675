package org.ssekit.examples.microblog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.Hub;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.StreamRequest;
import org.ssekit.examples.Templates;
import org.ssekit.examples.TestStream;

/** Two instances of the shared microblog on one broker: each view counted once, seen by both. */
class SharedMicroblogTest {

  private static final Pattern VIEWS = Pattern.compile("<b>(\\d+)</b> views?<");

  private final InMemoryBroker broker = InMemoryBroker.create();
  private final Templates templates = Templates.precompiled();
  private final Hub hubA = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build();
  private final Hub hubB = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build();
  private final MicroblogApp a = MicroblogApp.shared(hubA, templates);
  private final MicroblogApp b = MicroblogApp.shared(hubB, templates);

  @AfterEach
  void close() {
    a.close();
    b.close();
    hubA.close();
    hubB.close();
    broker.close();
  }

  private TestStream viewer(Hub hub, MicroblogApp app, long post) {
    StreamRequest r = StreamRequest.builder().path("/posts/" + post + "/stats").pathParam("id", String.valueOf(post)).build();
    return TestStream.open(hub, MicroblogApp.TOPIC, new StatsAdapter(app.blog(), templates), r);
  }

  private static List<Long> views(TestStream s) {
    return s.data("stats").stream()
        .map(html -> {
          Matcher m = VIEWS.matcher(html);
          assertThat(m.find()).as("views in %s", html).isTrue();
          return Long.parseLong(m.group(1));
        })
        .collect(Collectors.toList());
  }

  @Test
  void viewsOnBothInstancesAreCountedOnceAndEveryViewerSeesEveryCount() {
    TestStream onA = viewer(hubA, a, 1);
    TestStream onB = viewer(hubB, b, 1);
    TestStream otherPostOnB = viewer(hubB, b, 2);

    for (int i = 0; i < 7; i++) {
      a.view(1);
    }
    for (int i = 0; i < 5; i++) {
      b.view(1);
    }

    List<Long> expected = LongStream.rangeClosed(0, 12).boxed().collect(Collectors.toList());
    await().atMost(Duration.ofSeconds(5)).until(() -> views(onA).size() >= 13 && views(onB).size() >= 13);
    assertThat(views(onA)).containsExactlyElementsOf(expected);
    assertThat(views(onB)).containsExactlyElementsOf(expected);
    assertThat(a.blog().stats(1).orElseThrow().views()).isEqualTo(12);
    assertThat(b.blog().stats(1).orElseThrow().views()).isEqualTo(12);
    assertThat(views(otherPostOnB)).containsExactly(0L);
  }

  @Test
  void aReactionOnOneInstanceReachesTheViewersOfBoth() {
    TestStream onA = viewer(hubA, a, 3);
    TestStream onB = viewer(hubB, b, 3);

    b.react(3, Reaction.FIRE);

    await().atMost(Duration.ofSeconds(5)).until(() -> onA.data("stats").size() == 2 && onB.data("stats").size() == 2);
    assertThat(onA.data("stats").get(1)).contains("class=\"counter bump\" data-counter=\"fire\"");
    assertThat(onB.data("stats").get(1)).contains("class=\"counter bump\" data-counter=\"fire\"");
    assertThat(a.blog().stats(3).orElseThrow().count(Reaction.FIRE)).isEqualTo(1);
    assertThat(b.blog().stats(3).orElseThrow().count(Reaction.FIRE)).isEqualTo(1);
  }
}
