package org.ssekit.examples.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.Hub;
import org.ssekit.StreamRequest;
import org.ssekit.examples.LiveFeed;
import org.ssekit.examples.Templates;
import org.ssekit.examples.TestStream;

class NotificationsAppTest {

  private final Hub hub = Hub.builder().heartbeat(Duration.ZERO).build();
  private final NotificationsApp app = NotificationsApp.create(hub, Templates.precompiled(), Clock.systemUTC());
  private final NotificationsApp.UserAdapter adapter = new NotificationsApp.UserAdapter();

  @AfterEach
  void close() {
    hub.close();
  }

  private TestStream open(String user, String lastEventId) {
    StreamRequest.Builder b = StreamRequest.builder().path("/notifications/stream").queryParam("user", user);
    if (lastEventId != null) {
      b.lastEventId(lastEventId);
    }
    return TestStream.open(hub, NotificationsApp.TOPIC, adapter, b.build());
  }

  @Test
  void aNotificationReachesEveryWindowOfItsRecipientAndNoOneElse() {
    TestStream alice1 = open("alice", null);
    TestStream alice2 = open("alice", null);
    TestStream bob = open("bob", null);

    app.send("alice", "bob", "lunch at noon?");
    app.send("bob", "alice", "sure");

    await().atMost(Duration.ofSeconds(5)).until(() -> alice1.data("notification").size() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> alice2.data("notification").size() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> bob.data("notification").size() == 1);
    assertThat(alice1.data("notification").get(0)).contains("lunch at noon?").doesNotContain("sure");
    assertThat(bob.data("notification").get(0)).contains("sure").doesNotContain("lunch");
  }

  @Test
  void aPageResumesAfterWhatItRenderedWithNothingMissedAndNothingTwice() {
    app.send("alice", "bob", "before the page");
    LiveFeed.Snapshot<Notification> page = app.snapshotFor("alice");
    assertThat(page.entries()).extracting(e -> e.item().text()).contains("before the page");

    app.send("alice", "bob", "between render and connect");
    app.send("bob", "alice", "not for alice");
    TestStream stream = open("alice", page.lastEventId().orElseThrow());
    app.send("alice", "bob", "live");

    await().atMost(Duration.ofSeconds(5)).until(() -> stream.data("notification").size() >= 2);
    assertThat(stream.data("notification"))
        .satisfiesExactly(
            first -> assertThat(first).contains("between render and connect"),
            second -> assertThat(second).contains("live"));
  }

  @Test
  void rejectsStreamsWithoutAValidUser() {
    assertThat(adapter.initial(StreamRequest.of("/notifications/stream")).status()).isEqualTo(400);
    assertThat(adapter.initial(StreamRequest.builder().queryParam("user", "Eve!").build()).status()).isEqualTo(400);
    assertThat(adapter.initial(StreamRequest.builder().queryParam("user", "eve").build()).accepted()).isTrue();
  }

  @Test
  void rejectsInvalidNotifications() {
    assertThatThrownBy(() -> app.send("alice", "bob", " ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> app.send("Alice Smith", "bob", "hi")).isInstanceOf(IllegalArgumentException.class);
  }
}
