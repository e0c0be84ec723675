package org.ssekit.broker;

import org.ssekit.broker.Subscriber;
import org.ssekit.broker.Message;
import org.ssekit.broker.InMemoryBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryBrokerGroupTest {

  private final InMemoryBroker broker = InMemoryBroker.create();

  @AfterEach
  void close() {
    broker.close();
  }

  private static Subscriber.MessageHandler into(Queue<String> received) {
    return (topic, m) -> received.add(m.payloadAsString());
  }

  private void publish(String topic, int count) {
    for (int i = 0; i < count; i++) {
      broker.publish(topic, Message.of("m" + i));
    }
  }

  private static List<String> expected(int count) {
    return IntStream.range(0, count).mapToObj(i -> "m" + i).collect(Collectors.toList());
  }

  @Test
  void eachMessageGoesToExactlyOneMemberOfAGroupAndTheMembersShareTheWork() {
    Queue<String> a = new ConcurrentLinkedQueue<>();
    Queue<String> b = new ConcurrentLinkedQueue<>();
    Queue<String> c = new ConcurrentLinkedQueue<>();
    broker.subscribeGroup("views", "counter", into(a));
    broker.subscribeGroup("views", "counter", into(b));
    broker.subscribeGroup("views", "counter", into(c));

    publish("views", 300);

    await().atMost(Duration.ofSeconds(5)).until(() -> a.size() + b.size() + c.size() >= 300);
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    all.addAll(c);
    assertThat(all).containsExactlyInAnyOrderElementsOf(expected(300));
    assertThat(Stream.of(a, b, c)).allSatisfy(q -> assertThat(q).isNotEmpty());
    // each member sees its share in publish order
    assertThat(Stream.of(a, b, c)).allSatisfy(q -> assertThat(new ArrayList<>(q)).isSortedAccordingTo(
        (x, y) -> Integer.compare(Integer.parseInt(x.substring(1)), Integer.parseInt(y.substring(1)))));
  }

  @Test
  void plainSubscribersAndOtherGroupsStillGetEveryMessage() {
    Queue<String> plain = new ConcurrentLinkedQueue<>();
    Queue<String> counter1 = new ConcurrentLinkedQueue<>();
    Queue<String> counter2 = new ConcurrentLinkedQueue<>();
    Queue<String> mailer = new ConcurrentLinkedQueue<>();
    broker.subscribe("views", into(plain));
    broker.subscribeGroup("views", "counter", into(counter1));
    broker.subscribeGroup("views", "counter", into(counter2));
    broker.subscribeGroup("views", "mailer", into(mailer));

    publish("views", 100);

    await().atMost(Duration.ofSeconds(5)).until(() -> plain.size() == 100 && mailer.size() == 100);
    await().atMost(Duration.ofSeconds(5)).until(() -> counter1.size() + counter2.size() == 100);
    assertThat(plain).containsExactlyElementsOf(expected(100));
    assertThat(mailer).containsExactlyElementsOf(expected(100));
    List<String> counted = new ArrayList<>(counter1);
    counted.addAll(counter2);
    assertThat(counted).containsExactlyInAnyOrderElementsOf(expected(100));
  }

  @Test
  void aMemberThatLeavesGetsNothingMoreAndTheOthersTakeOver() {
    Queue<String> staying = new ConcurrentLinkedQueue<>();
    Queue<String> leaving = new ConcurrentLinkedQueue<>();
    broker.subscribeGroup("views", "counter", into(staying));
    Subscriber.Subscription gone = broker.subscribeGroup("views", "counter", into(leaving));
    Queue<String> plain = new ConcurrentLinkedQueue<>();
    broker.subscribe("views", into(plain));
    publish("views", 10);
    await().atMost(Duration.ofSeconds(5)).until(() -> plain.size() == 10);
    await().atMost(Duration.ofSeconds(5)).until(() -> staying.size() + leaving.size() == 10);
    int before = leaving.size();

    gone.close();
    for (int i = 10; i < 30; i++) {
      broker.publish("views", Message.of("m" + i));
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> staying.size() + leaving.size() == 30);
    assertThat(leaving).hasSize(before);
    List<String> all = new ArrayList<>(staying);
    all.addAll(leaving);
    assertThat(all).containsExactlyInAnyOrderElementsOf(expected(30));
  }

  @Test
  void aMemberGetsOnlyMessagesPublishedAfterItJoined() {
    Queue<String> plain = new ConcurrentLinkedQueue<>();
    broker.subscribe("views", into(plain));
    publish("views", 5);
    Queue<String> member = new ConcurrentLinkedQueue<>();
    broker.subscribeGroup("views", "counter", into(member));
    broker.publish("views", Message.of("after"));

    await().atMost(Duration.ofSeconds(5)).until(() -> plain.size() == 6 && !member.isEmpty());
    assertThat(member).containsExactly("after");
  }

  @Test
  void aClosedBrokerRefusesNewMembers() {
    broker.close();
    assertThatThrownBy(() -> broker.subscribeGroup("views", "counter", (t, m) -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}
