package org.ssekit.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class ThreadsTest {

  @Test
  void daemonFactoryNumbersItsThreads() {
    ThreadFactory f = Threads.daemon("ssekit-test");
    Thread a = f.newThread(() -> {});
    Thread b = f.newThread(() -> {});
    assertThat(a.getName()).isEqualTo("ssekit-test-1");
    assertThat(b.getName()).isEqualTo("ssekit-test-2");
    assertThat(a.isDaemon()).isTrue();
  }

  @Test
  void threadsOfTheDefaultFactoryGetTheirRolesName() {
    Thread t = Threads.newThread(Threads.defaultFactory(), () -> {}, "ssekit-pg-writer-3");
    assertThat(t.getName()).isEqualTo("ssekit-pg-writer-3");
    assertThat(t.isDaemon()).isTrue();
  }

  @Test
  void threadsOfAnInjectedFactoryKeepTheirNames() {
    Thread t = Threads.newThread(r -> new Thread(r, "app-worker"), () -> {}, "ssekit-x-1");
    assertThat(t.getName()).isEqualTo("app-worker");
  }

  @Test
  void aFactoryReturningNullIsAClearError() {
    assertThatThrownBy(() -> Threads.newThread(r -> null, () -> {}, "ssekit-x-1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ssekit-x-1");
  }
}
