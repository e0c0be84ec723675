package org.ssekit.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.ssekit.broker.BrokerClosedException;

class ClosedGuardTest {

  private final ClosedGuard guard = new ClosedGuard("TestBroker");

  @Test
  void passesWhileOpen() {
    guard.check();
    assertThat(guard.isClosed()).isFalse();
  }

  @Test
  void onlyTheFirstCloseReleases() {
    assertThat(guard.close()).isTrue();
    assertThat(guard.close()).isFalse();
    assertThat(guard.isClosed()).isTrue();
  }

  @Test
  void afterCloseChecksThrowTheClosedExceptionNamingTheBroker() {
    guard.close();
    assertThatThrownBy(guard::check)
        .isInstanceOf(BrokerClosedException.class)
        .hasMessage("TestBroker is closed");
  }

  @Test
  void failedFuturesCarryTheClosedException() {
    assertThatThrownBy(() -> guard.<String>failed().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(BrokerClosedException.class);
  }
}
