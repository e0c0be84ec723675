package org.ssekit.examples.microblog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicroblogTest {

  private final List<String> changes = Collections.synchronizedList(new ArrayList<>());
  private final Microblog blog =
      Microblog.of(Microblog.samplePosts(), (stats, counter) -> changes.add(stats.postId() + ":" + counter));

  @Test
  void countsViewsAndReactionsPerPost() {
    blog.view(1);
    blog.view(1);
    blog.react(1, Reaction.LIKE);
    blog.react(2, Reaction.FIRE);

    PostStats one = blog.stats(1).orElseThrow();
    assertThat(one.views()).isEqualTo(2);
    assertThat(one.count(Reaction.LIKE)).isEqualTo(1);
    assertThat(one.count(Reaction.FIRE)).isZero();
    assertThat(blog.stats(2).orElseThrow().count(Reaction.FIRE)).isEqualTo(1);
    assertThat(blog.stats(2).orElseThrow().views()).isZero();
  }

  @Test
  void reportsEveryChangeWithTheCounterThatChanged() {
    blog.view(3);
    blog.react(3, Reaction.LOVE);
    assertThat(changes).containsExactly("3:views", "3:love");
  }

  @Test
  void unknownPostsChangeNothing() {
    assertThat(blog.view(99)).isEmpty();
    assertThat(blog.react(99, Reaction.LIKE)).isEmpty();
    assertThat(blog.stats(99)).isEmpty();
    assertThat(changes).isEmpty();
  }

  @Test
  void parsesReactionsByTheirUrlName() {
    assertThat(Reaction.parse("like")).contains(Reaction.LIKE);
    assertThat(Reaction.parse("FIRE")).contains(Reaction.FIRE);
    assertThat(Reaction.parse("meh")).isEmpty();
  }

  @Test
  void concurrentChangesOfOnePostAreReportedInOrder() throws Exception {
    List<Long> totals = Collections.synchronizedList(new ArrayList<>());
    Microblog counted =
        Microblog.of(
            Microblog.samplePosts(),
            (stats, counter) -> totals.add(stats.views() + stats.reactions().values().stream().mapToLong(Long::longValue).sum()));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < 4; t++) {
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 500; i++) {
              if (i % 2 == 0) {
                counted.view(1);
              } else {
                counted.react(1, Reaction.LIKE);
              }
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(totals).hasSize(2000);
    for (int i = 0; i < totals.size(); i++) {
      assertThat(totals.get(i)).as("snapshot %d", i).isEqualTo(i + 1L);
    }
  }
}
