package org.ssekit.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StreamLimitsTest {

  @Test
  void capsTheTotalAndGivesSlotsBack() {
    StreamLimits l = new StreamLimits(2, Integer.MAX_VALUE);
    assertThat(l.tryAcquire("a")).isTrue();
    assertThat(l.tryAcquire("b")).isTrue();
    assertThat(l.tryAcquire("c")).isFalse();
    l.release("a");
    assertThat(l.tryAcquire("c")).isTrue();
    assertThat(l.open()).isEqualTo(2);
  }

  @Test
  void capsEachClientApartWithoutLeakingTotalSlots() {
    StreamLimits l = new StreamLimits(10, 1);
    assertThat(l.tryAcquire("a")).isTrue();
    assertThat(l.tryAcquire("a")).isFalse();
    assertThat(l.tryAcquire("b")).isTrue();
    assertThat(l.open()).isEqualTo(2);
    l.release("a");
    assertThat(l.tryAcquire("a")).isTrue();
  }

  @Test
  void neverGrantsMoreThanTheCapUnderContention() throws Exception {
    StreamLimits l = new StreamLimits(50, 5);
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    for (int i = 0; i < 400; i++) {
      String client = "c" + (i % 20);
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            if (l.tryAcquire(client)) {
              granted.incrementAndGet();
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(granted.get()).isEqualTo(50); // 20 clients x 5 > 50: the total binds
    assertThat(l.open()).isEqualTo(50);
  }
}
