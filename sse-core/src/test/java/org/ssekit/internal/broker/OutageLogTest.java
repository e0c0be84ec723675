package org.ssekit.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.BrokerHealth;

class OutageLogTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final OutageLog outage =
      new OutageLog(LoggerFactory.getLogger(OutageLogTest.class), "Redis", "test broker", now::get);

  @Test
  void theFirstComponentDownStartsTheOutageAndTheLastBackEndsIt() {
    assertThat(outage.lost("reader", new RuntimeException("refused"))).isTrue();
    assertThat(outage.lost("writer", new RuntimeException("refused"))).isFalse();
    assertThat(outage.isDown()).isTrue();
    now.addAndGet(Duration.ofMillis(1_500).toNanos());
    assertThat(outage.recovered("reader")).isNull();
    assertThat(outage.isDown()).isTrue();
    assertThat(outage.recovered("writer")).isEqualTo(Duration.ofMillis(1_500));
    assertThat(outage.isDown()).isFalse();
  }

  @Test
  void repeatedFailuresOfOneComponentAreOneOutage() {
    assertThat(outage.lost("reader", new RuntimeException("1"))).isTrue();
    assertThat(outage.lost("reader", new RuntimeException("2"))).isFalse();
    assertThat(outage.lost("reader", new RuntimeException("3"))).isFalse();
    assertThat(outage.recovered("reader")).isNotNull();
    assertThat(outage.isDown()).isFalse();
  }

  @Test
  void aRecoveryWithoutALossIsNothing() {
    assertThat(outage.recovered("reader")).isNull();
    assertThat(outage.isDown()).isFalse();
    assertThat(outage.health(false, "Redis ok")).isEqualTo(BrokerHealth.up("Redis ok"));
  }

  @Test
  void aNewOutageAfterRecoveryIsLoggedAgain() {
    outage.lost("reader", new RuntimeException("x"));
    outage.recovered("reader");
    assertThat(outage.lost("reader", new RuntimeException("y"))).isTrue();
  }

  @Test
  void aForgottenComponentNoLongerKeepsTheOutageOpen() {
    outage.lost("group a", new RuntimeException("x"));
    assertThat(outage.isDown("group a")).isTrue();
    outage.forget("group a");
    assertThat(outage.isDown()).isFalse();
    assertThat(outage.isDown("group a")).isFalse();
  }

  @Test
  void healthIsDownWhileAComponentIsDownAndNamesIt() {
    outage.lost("listener", new IllegalStateException("connection refused"));
    now.addAndGet(Duration.ofMillis(250).toNanos());
    BrokerHealth h = outage.health(false, "PostgreSQL ok");
    assertThat(h.up()).isFalse();
    assertThat(h.detail()).contains("Redis connection lost 250 ms ago", "listener", "connection refused");
    outage.recovered("listener");
    assertThat(outage.health(false, "PostgreSQL ok")).isEqualTo(BrokerHealth.up("PostgreSQL ok", 1));
  }

  @Test
  void aClosedBrokerIsDown() {
    assertThat(outage.health(true, "ok")).isEqualTo(BrokerHealth.down("closed"));
  }

  @Test
  void concurrentLossesStartOneOutage() throws Exception {
    int threads = 8;
    java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Thread> all = new java.util.ArrayList<>();
    for (int i = 0; i < threads; i++) {
      String component = "c" + i;
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                if (outage.lost(component, new RuntimeException("x"))) {
                  starts.incrementAndGet();
                }
              });
      t.start();
      all.add(t);
    }
    go.countDown();
    for (Thread t : all) {
      t.join(10_000);
    }
    assertThat(starts).hasValue(1);
    int ends = 0;
    for (int i = 0; i < threads; i++) {
      if (outage.recovered("c" + i) != null) {
        ends++;
      }
    }
    assertThat(ends).isEqualTo(1);
  }

  @Test
  void eachOutageEndedByAReconnectIsCountedOnceInTheHealth() {
    assertThat(outage.health(false, "ok").reconnects()).isZero();
    outage.lost("reader", new RuntimeException("x"));
    outage.lost("writer", new RuntimeException("x"));
    outage.recovered("reader");
    assertThat(outage.health(false, "ok").reconnects()).as("one component still down").isZero();
    outage.recovered("writer");
    assertThat(outage.health(false, "ok")).satisfies(h -> {
      assertThat(h.up()).isTrue();
      assertThat(h.reconnects()).isEqualTo(1);
    });
    outage.lost("reader", new RuntimeException("y"));
    assertThat(outage.health(false, "ok").reconnects()).isEqualTo(1);
    outage.recovered("reader");
    assertThat(outage.reconnects()).isEqualTo(2);
    assertThat(outage.health(true, "ok")).satisfies(h -> {
      assertThat(h.up()).isFalse();
      assertThat(h.reconnects()).isEqualTo(2);
    });
  }
}
