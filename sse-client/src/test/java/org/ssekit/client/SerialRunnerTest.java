package org.ssekit.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The callback serializer behind the client's "never concurrently, always in order" contract. */
class SerialRunnerTest {

  @Test
  void runsOnTheSubmittingThreadWhenIdle() {
    SerialRunner runner = new SerialRunner();
    List<Thread> ran = new ArrayList<>();
    runner.execute(() -> ran.add(Thread.currentThread()));
    assertThat(ran).containsExactly(Thread.currentThread());
  }

  @Test
  void aTaskSubmittedFromATaskRunsAfterItOnTheSameThread() {
    SerialRunner runner = new SerialRunner();
    List<String> order = new ArrayList<>();
    runner.execute(
        () -> {
          order.add("outer start");
          runner.execute(() -> order.add("inner"));
          order.add("outer end");
        });
    assertThat(order).containsExactly("outer start", "outer end", "inner");
  }

  @Test
  void aThrowingTaskDoesNotStopTheNext() {
    SerialRunner runner = new SerialRunner();
    List<String> order = new ArrayList<>();
    runner.execute(
        () -> {
          runner.execute(() -> order.add("after"));
          throw new IllegalStateException("boom");
        });
    assertThat(order).containsExactly("after");
  }

  @Test
  void tasksFromManyThreadsNeverOverlapAndAllRunInPerThreadOrder() throws Exception {
    SerialRunner runner = new SerialRunner();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    List<String> done = new CopyOnWriteArrayList<>();
    int threads = 4;
    int perThread = 2000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  int n = i;
                  runner.execute(
                      () -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        done.add(id + ":" + n);
                        running.decrementAndGet();
                      });
                }
              });
      w.start();
      workers.add(w);
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    assertThat(maxRunning.get()).isEqualTo(1);
    assertThat(done).hasSize(threads * perThread);
    for (int t = 0; t < threads; t++) {
      String prefix = t + ":";
      List<Integer> mine = done.stream().filter(s -> s.startsWith(prefix)).map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
      assertThat(mine).isSorted().hasSize(perThread);
    }
  }
}
