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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.Message;

/**
 * Consumer groups on NATS beyond the compatibility kit's contract: a message a dead member took is
 * redelivered after the claim timeout.
 */
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
