package org.ssekit.spring;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.ssekit.broker.Broker;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.nats.NatsBroker;
import org.ssekit.postgres.PostgresBroker;
import org.ssekit.redis.RedisBroker;

/**
 * Creates the broker of {@code ssekit.broker.url}. The broker modules are optional: each is touched
 * only from its own nested class, loaded once its scheme was seen and its class found.
 */
final class Brokers {

  enum Kind {
    REDIS("org.ssekit.redis.RedisBroker", "sse-redis"),
    NATS("org.ssekit.nats.NatsBroker", "sse-nats"),
    POSTGRES("org.ssekit.postgres.PostgresBroker", "sse-postgres");

    final String className;
    final String artifact;

    Kind(String className, String artifact) {
      this.className = className;
      this.artifact = artifact;
    }
  }

  private Brokers() {}

  /** The broker a URL names, or null for an unknown scheme. */
  static @Nullable Kind kind(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    if (u.startsWith("redis://") || u.startsWith("rediss://") || u.startsWith("redis-socket://")) {
      return Kind.REDIS;
    }
    if (u.startsWith("nats://") || u.startsWith("tls://")) {
      return Kind.NATS;
    }
    if (u.startsWith("postgresql://") || u.startsWith("postgres://") || u.startsWith("jdbc:postgresql:")) {
      return Kind.POSTGRES;
    }
    return null;
  }

  /** {@code url} without its password, for messages and logs. */
  static String mask(String url) {
    return url.replaceAll("//([^:/@]*):[^@/]*@", "//$1:****@");
  }

  static Broker create(SseProperties p, @Nullable ClassLoader loader) {
    SseProperties.History h = p.history();
    String url = p.broker().url();
    if (url == null) {
      InMemoryBroker.Builder b = InMemoryBroker.builder();
      if (h.enabled()) {
        b.history(EventLog.inMemory(h.maxEvents(), h.maxAge()));
      } else {
        b.noHistory();
      }
      return b.build();
    }
    Kind kind = kind(url);
    if (kind == null) {
      throw new IllegalArgumentException("ssekit.broker.url has an unknown scheme: " + mask(url));
    }
    if (!ClassUtils.isPresent(kind.className, loader)) {
      throw new IllegalStateException(
          "ssekit.broker.url=" + mask(url) + " needs the module org.ssekit:" + kind.artifact
              + " on the classpath (add it as a dependency), or unset ssekit.broker.url for the in-memory broker");
    }
    if (!h.enabled()) {
      throw new IllegalArgumentException(
          "ssekit.history.enabled=false is only supported by the in-memory broker; " + kind.artifact
              + " keeps a history in the broker (bound it with ssekit.history.max-events and max-age)");
    }
    try {
      return switch (kind) {
        case REDIS -> Redis.create(url, h);
        case NATS -> Nats.create(url, h);
        case POSTGRES -> Postgres.create(url, h);
      };
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "ssekit.broker.url=" + mask(url) + ": cannot connect to the broker: " + e.getMessage(), e);
    }
  }

  private static final class Redis {
    static Broker create(String url, SseProperties.History h) {
      return RedisBroker.builder(url).history(h.maxEvents(), h.maxAge()).build();
    }
  }

  private static final class Nats {
    static Broker create(String url, SseProperties.History h) {
      return NatsBroker.builder(url).history(h.maxEvents(), h.maxAge()).build();
    }
  }

  private static final class Postgres {
    static Broker create(String url, SseProperties.History h) {
      return PostgresBroker.builder(url).history(h.maxEvents(), h.maxAge()).build();
    }
  }
}
