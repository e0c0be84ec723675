package org.ssekit.examples;

import java.util.Locale;
import org.ssekit.Broker;
import org.ssekit.InMemoryBroker;

/** Opens the broker named by {@code --broker}. */
final class Brokers {

  private Brokers() {}

  /**
   * The broker for {@code url}: {@code memory} (or {@code memory:}) is the in-process broker with
   * an in-memory history.
   *
   * @throws IllegalArgumentException for anything else
   */
  static Broker open(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    if (u.equals("memory") || u.equals("memory:")) {
      return InMemoryBroker.create();
    }
    throw new IllegalArgumentException("--broker " + url + " is not supported by this build; use memory");
  }
}
