package org.ssekit.examples;

import java.util.Locale;
import org.ssekit.broker.Broker;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.nats.NatsBroker;
import org.ssekit.postgres.PostgresBroker;
import org.ssekit.redis.RedisBroker;

/** Opens the broker named by {@code --broker}, choosing the module by the URL's scheme. */
final class Brokers {

  /** The broker families the demo can run on. */
  enum Kind {
    MEMORY,
    REDIS,
    NATS,
    POSTGRES
  }

  private Brokers() {}

  /**
   * The family of {@code url}: {@code memory} (or {@code memory:}), {@code redis://} / {@code
   * rediss://}, {@code nats://} / {@code tls://}, {@code postgresql://} / {@code postgres://} /
   * {@code jdbc:postgresql://}.
   *
   * @throws IllegalArgumentException for any other scheme (the message lists the known ones)
   */
  static Kind kind(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    if (u.equals("memory") || u.equals("memory:")) {
      return Kind.MEMORY;
    }
    if (u.startsWith("redis://") || u.startsWith("rediss://")) {
      return Kind.REDIS;
    }
    if (u.startsWith("nats://") || u.startsWith("tls://")) {
      return Kind.NATS;
    }
    if (u.startsWith("postgresql://") || u.startsWith("postgres://") || u.startsWith("jdbc:postgresql://")) {
      return Kind.POSTGRES;
    }
    throw new IllegalArgumentException(
        "--broker " + url + " is not supported; use memory, redis://HOST:PORT, nats://HOST:PORT,"
            + " postgresql://USER@HOST:PORT/DB or jdbc:postgresql://HOST:PORT/DB");
  }

  /**
   * Opens the broker for {@code url}, connecting before it returns. A non-empty {@code prefix}
   * becomes the Redis key prefix ({@code prefix:}), the NATS stream name and subject prefix, or
   * the PostgreSQL table prefix ({@code prefix_}); the in-memory broker ignores it.
   *
   * @throws IllegalArgumentException for an unknown scheme
   * @throws RuntimeException the broker module's error when the broker cannot be reached
   */
  static Broker open(String url, String prefix) {
    String u = url.trim();
    return switch (kind(u)) {
      case MEMORY -> InMemoryBroker.create();
      case REDIS -> {
        RedisBroker.Builder b = RedisBroker.builder(u);
        if (!prefix.isEmpty()) {
          b.keyPrefix(prefix + ":");
        }
        yield b.build();
      }
      case NATS -> {
        NatsBroker.Builder b = NatsBroker.builder(u);
        if (!prefix.isEmpty()) {
          b.streamName(prefix).subjectPrefix(prefix);
        }
        yield b.build();
      }
      case POSTGRES -> {
        PostgresBroker.Builder b = PostgresBroker.builder(u);
        if (!prefix.isEmpty()) {
          b.tablePrefix(prefix + "_");
        }
        yield b.build();
      }
    };
  }
}
