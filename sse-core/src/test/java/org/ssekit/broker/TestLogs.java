package org.ssekit.broker;

import java.time.Duration;
import java.util.function.LongSupplier;

/** Test access to the in-memory history with an injected clock, for tests outside this package. */
public final class TestLogs {

  private TestLogs() {}

  /** An in-memory history that reads time from {@code nanoClock}. */
  public static EventLog inMemory(int maxEvents, Duration maxAge, LongSupplier nanoClock) {
    return new InMemoryEventLog(maxEvents, maxAge, nanoClock);
  }
}
