package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.Message;

/** Consumer groups: work that must run once per message across instances. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsGroupIT {

  private final TestNats.Names names = TestNats.Names.unique("group");
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void natsIsUp() {
    TestNats.assumeReachable();
  }

  @AfterEach
  void cleanUp() throws Exception {
    release.countDown();
    for (AutoCloseable r : resources) {
      r.close();
    }
    names.delete();
  }

  private NatsBroker broker(NatsBroker.Builder b) {
    NatsBroker broker = b.build();
    resources.add(0, broker);
    return broker;
  }

  @Test
  void eachMessageIsHandledByOneMemberWhileEveryInstanceStillSeesAll() {
    NatsBroker a = broker(names.builder());
    NatsBroker b = broker(names.builder());
    String topic = "views";
    List<String> groupA = new CopyOnWriteArrayList<>();
    List<String> groupB = new CopyOnWriteArrayList<>();
    List<String> allA = new CopyOnWriteArrayList<>();
    List<String> allB = new CopyOnWriteArrayList<>();
    a.subscribeGroup(topic, "view-counter", (t, m) -> groupA.add(m.payloadAsString()));
    b.subscribeGroup(topic, "view-counter", (t, m) -> groupB.add(m.payloadAsString()));
    a.subscribe(topic, (t, m) -> allA.add(m.payloadAsString()));
    b.subscribe(topic, (t, m) -> allB.add(m.payloadAsString()));
    List<String> sent = IntStream.range(0, 200).mapToObj(i -> "v" + i).collect(Collectors.toList());
    for (int i = 0; i < sent.size(); i++) {
      (i % 2 == 0 ? a : b).publish(topic, Message.of(sent.get(i))).toCompletableFuture().join();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> groupA.size() + groupB.size() >= 200 && allA.size() >= 200 && allB.size() >= 200);
    List<String> handled = new ArrayList<>(groupA);
    handled.addAll(groupB);
    assertThat(handled).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
    assertThat(allA).containsExactlyElementsOf(sent);
    assertThat(allB).containsExactlyElementsOf(sent);
  }

  @Test
  void aMessageTakenByAMemberThatDiedGoesToAnotherAfterTheClaimTimeout() {
    NatsBroker dying = broker(names.builder().groupClaimTimeout(Duration.ofSeconds(1)));
    NatsBroker survivor = broker(names.builder().groupClaimTimeout(Duration.ofSeconds(1)));
    String topic = "mails";
    List<String> taken = new CopyOnWriteArrayList<>();
    List<String> handled = new CopyOnWriteArrayList<>();
    dying.subscribeGroup(
        topic,
        "mailer",
        (t, m) -> {
          taken.add(m.payloadAsString());
          try {
            release.await(); // never returns while the test runs: the instance "dies" holding it
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    // publish until the dying member holds a message
    int[] n = {0};
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              if (!taken.isEmpty()) {
                return true;
              }
              survivor.publish(topic, Message.of("mail-" + n[0]++)).toCompletableFuture().join();
              return false;
            });
    String lost = taken.get(0);
    dying.close();
    survivor.subscribeGroup(topic, "mailer", (t, m) -> handled.add(m.payloadAsString()));
    await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains(lost));
    Set<String> all = new HashSet<>(handled);
    for (int i = 0; i < n[0]; i++) {
      assertThat(all).contains("mail-" + i);
    }
  }
}
