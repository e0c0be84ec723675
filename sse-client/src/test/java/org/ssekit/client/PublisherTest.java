package org.ssekit.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@link SseClient#publisher(int)}: demand, buffering, backpressure to the socket, completion. */
class PublisherTest {

  private final FakeHttpClient http = new FakeHttpClient();
  private final ManualScheduler scheduler = new ManualScheduler();

  private SseClient client() {
    return SseClient.builder("http://example.test/")
        .httpClient(http)
        .scheduler(scheduler)
        .initialDelay(Duration.ZERO)
        .build();
  }

  /** Records signals; requests nothing by itself. */
  static class Probe implements Flow.Subscriber<MessageEvent> {
    final List<String> signals = new CopyOnWriteArrayList<>();
    Flow.@Nullable Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      signals.add("subscribe");
    }

    @Override
    public void onNext(MessageEvent item) {
      signals.add(item.data());
    }

    @Override
    public void onError(Throwable throwable) {
      signals.add("error:" + throwable.getClass().getSimpleName());
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }

    void request(long n) {
      assertThat(subscription).isNotNull();
      subscription.request(n);
    }
  }

  @Test
  void deliversOnlyWhatWasRequestedAndPausesReadingWhenItsBufferIsFull() {
    SseClient client = client();
    Probe probe = new Probe();
    client.publisher(2).subscribe(probe);
    client.start();
    FakeHttpClient.Exchange ex = http.next().open();
    probe.request(1);
    for (int i = 1; i <= 6; i++) {
      ex.send("data: " + i + "\n\n");
    }
    // 1 delivered, 2 and 3 buffered (capacity 2): reading paused with 3 chunks unread
    assertThat(probe.signals).containsExactly("subscribe", "1");
    assertThat(ex.undelivered()).isEqualTo(3);

    probe.request(Long.MAX_VALUE);
    assertThat(probe.signals).containsExactly("subscribe", "1", "2", "3", "4", "5", "6");
    assertThat(ex.undelivered()).isZero();
  }

  @Test
  void completesAfterTheBufferedEventsWhenTheClientCloses() {
    SseClient client = client();
    Probe probe = new Probe();
    client.publisher().subscribe(probe);
    client.start();
    http.next().open().send("data: a\n\ndata: b\n\n");
    client.close();
    assertThat(probe.signals).containsExactly("subscribe");
    probe.request(1);
    assertThat(probe.signals).containsExactly("subscribe", "a");
    probe.request(1);
    assertThat(probe.signals).containsExactly("subscribe", "a", "b", "complete");
  }

  @Test
  void carriesOnAcrossReconnections() {
    SseClient client = client();
    Probe probe = new Probe();
    client.publisher().subscribe(probe);
    probe.request(10);
    client.start();
    http.next().open().send("data: a\n\n").end();
    scheduler.runNext();
    http.next().open().send("data: b\n\n");
    assertThat(probe.signals).containsExactly("subscribe", "a", "b");
  }

  @Test
  void aNonPositiveRequestIsAnError() {
    SseClient client = client();
    Probe probe = new Probe();
    client.publisher().subscribe(probe);
    probe.request(0);
    client.start();
    http.next().open().send("data: a\n\n");
    assertThat(probe.signals).containsExactly("subscribe", "error:IllegalArgumentException");
  }

  @Test
  void cancelStopsDeliveryAndResumesReading() {
    SseClient client = client();
    Probe probe = new Probe();
    client.publisher(1).subscribe(probe);
    client.start();
    FakeHttpClient.Exchange ex = http.next().open();
    ex.send("data: a\n\n").send("data: b\n\n").send("data: c\n\n");
    assertThat(ex.undelivered()).isEqualTo(2);
    assertThat(probe.subscription).isNotNull();
    probe.subscription.cancel();
    assertThat(ex.undelivered()).isZero();
    probe.request(5);
    assertThat(probe.signals).containsExactly("subscribe");
  }

  @Test
  void aSubscriberCancellingInOnSubscribeNeitherReceivesNorHoldsUpReading() {
    SseClient client = client();
    Probe probe =
        new Probe() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            super.onSubscribe(s);
            s.cancel();
          }
        };
    client.publisher(1).subscribe(probe);
    client.start();
    FakeHttpClient.Exchange ex = http.next().open();
    ex.send("data: a\n\n").send("data: b\n\n").send("data: c\n\n");
    probe.request(5);
    assertThat(ex.undelivered()).isZero();
    assertThat(probe.signals).containsExactly("subscribe");
  }

  @Test
  void aSubscriberArrivingAfterCloseIsCompletedAtOnce() {
    SseClient client = client();
    client.close();
    Probe probe = new Probe();
    client.publisher().subscribe(probe);
    assertThat(probe.signals).containsExactly("subscribe", "complete");
  }

  @Test
  void requestFromInsideOnNextIsSerialized() {
    SseClient client = client();
    List<String> seen = new CopyOnWriteArrayList<>();
    client
        .publisher()
        .subscribe(
            new Flow.Subscriber<MessageEvent>() {
              Flow.@Nullable Subscription s;
              int depth;

              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                s = subscription;
                subscription.request(1);
              }

              @Override
              public void onNext(MessageEvent item) {
                depth++;
                seen.add(item.data() + "@" + depth);
                if (s != null) {
                  s.request(1);
                }
                depth--;
              }

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            });
    client.start();
    http.next().open().send("data: 1\n\ndata: 2\n\ndata: 3\n\n");
    assertThat(seen).containsExactly("1@1", "2@1", "3@1");
  }
}
