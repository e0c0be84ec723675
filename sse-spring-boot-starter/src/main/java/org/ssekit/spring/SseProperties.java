package org.ssekit.spring;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.ssekit.SlowConsumerPolicy;

/**
 * The ssekit.* properties: every option of {@link org.ssekit.Hub.Builder} and {@link
 * org.ssekit.servlet.SseRouter.Builder}, the broker, the streams and the publish endpoint. Bound
 * once at startup and validated there: an invalid value fails the startup with a message naming the
 * property.
 *
 * <pre>{@code
 * ssekit.streams[0].path=/sse/{topic}
 * ssekit.streams[0].topic={topic}
 * ssekit.publish.path=/api/topics/{topic}/events
 * ssekit.publish.token=${PUBLISH_TOKEN:}
 * ssekit.heartbeat=15s
 * ssekit.history.max-events=1000
 * }</pre>
 *
 * @param heartbeat the period of keep-alive comments on idle streams; 0 turns them off
 * @param retry a retry: hint sent first on every stream (default: none)
 * @param queueCapacity how many live events a stream may hold before its slow-consumer policy applies
 * @param replayLimit the most messages replayed to one reconnecting client
 * @param slowConsumerPolicy what a stream does when its queue is full
 * @param latencySampling measure the delivery latency of one publish in this many; 0 turns it off
 * @param shutdownTimeout how long closing the router waits for the open streams to end
 * @param writeConcurrency the router's writer threads (default: the number of processors, at least 2)
 * @param history the history that resumes reconnecting clients
 * @param broker the broker the hub publishes through
 * @param cors cross-origin access to the streams
 * @param limits how many streams may be open, and the answers over the limits
 * @param publish the HTTP publish endpoint
 * @param streams the streams served from properties alone
 * @param tomcat settings for the embedded Tomcat, when the application runs on it
 */
@ConfigurationProperties("ssekit")
public record SseProperties(
    @DefaultValue("15s") Duration heartbeat,
    @Nullable Duration retry,
    @DefaultValue("1024") int queueCapacity,
    @DefaultValue("10000") int replayLimit,
    @DefaultValue("close") SlowConsumerPolicy slowConsumerPolicy,
    @DefaultValue("64") int latencySampling,
    @DefaultValue("5s") Duration shutdownTimeout,
    @Nullable Integer writeConcurrency,
    @DefaultValue History history,
    @DefaultValue Broker broker,
    @DefaultValue Cors cors,
    @DefaultValue Limits limits,
    @DefaultValue Publish publish,
    @DefaultValue List<Stream> streams,
    @DefaultValue Tomcat tomcat) {

  /** Validates every value; the message names the property. */
  public SseProperties {
    notNegative("ssekit.heartbeat", heartbeat);
    if (retry != null) {
      notNegative("ssekit.retry", retry);
    }
    positive("ssekit.queue-capacity", queueCapacity);
    check(replayLimit >= 0, "ssekit.replay-limit must not be negative: " + replayLimit);
    check(latencySampling >= 0, "ssekit.latency-sampling must not be negative: " + latencySampling);
    notNegative("ssekit.shutdown-timeout", shutdownTimeout);
    if (writeConcurrency != null) {
      positive("ssekit.write-concurrency", writeConcurrency);
    }
    streams = List.copyOf(streams);
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < streams.size(); i++) {
      Stream s = streams.get(i);
      String prefix = "ssekit.streams[" + i + "]";
      check(s.path() != null && !s.path().isBlank(), prefix + ".path must be set (e.g. /sse/{topic})");
      check(s.topic() != null && !s.topic().isBlank(), prefix + ".topic must be set (e.g. {topic})");
      check(paths.add(s.path()), prefix + ".path repeats the path of an earlier stream: " + s.path());
    }
    if (publish.path() != null && publish.path().isBlank()) {
      publish = new Publish(null, publish.topic(), publish.token(), publish.maxBytes(), publish.maxEvents(), publish.readTimeout());
    }
  }

  /**
   * The history that resumes reconnecting clients. The in-memory broker keeps it in memory; Redis,
   * NATS and PostgreSQL keep it in the broker.
   *
   * @param enabled whether to keep a history at all (only the in-memory broker can do without)
   * @param maxEvents the most messages kept per topic
   * @param maxAge the age beyond which messages are dropped
   */
  public record History(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("1000") int maxEvents,
      @DefaultValue("15m") Duration maxAge) {
    /** Validates the values. */
    public History {
      positive("ssekit.history.max-events", maxEvents);
      check(!maxAge.isNegative() && !maxAge.isZero(), "ssekit.history.max-age must be positive: " + maxAge);
    }
  }

  /**
   * The broker the hub publishes through and subscribes from.
   *
   * @param url redis://… (needs sse-redis), nats://… (sse-nats),
   *     postgresql://… or jdbc:postgresql://… (sse-postgres); unset, an
   *     in-memory broker (one instance only)
   */
  public record Broker(@Nullable String url) {
    /** Validates the URL's scheme. */
    public Broker {
      if (url != null && url.isBlank()) {
        url = null;
      }
      if (url != null) {
        check(Brokers.kind(url) != null,
            "ssekit.broker.url must start with redis://, rediss://, nats://, tls://, postgresql://, postgres://"
                + " or jdbc:postgresql://: " + Brokers.mask(url));
      }
    }
  }

  /**
   * Cross-origin access to the streams.
   *
   * @param allowedOrigins origins allowed to connect from other sites (https://app.example), or *
   * @param allowCredentials whether listed origins may send cookies (not with *)
   */
  public record Cors(@DefaultValue List<String> allowedOrigins, @DefaultValue("false") boolean allowCredentials) {
    /** Validates the origins. */
    public Cors {
      allowedOrigins = List.copyOf(allowedOrigins);
      for (String o : allowedOrigins) {
        String t = o.trim();
        check(!t.isEmpty() && !t.endsWith("/"),
            "ssekit.cors.allowed-origins: an origin is scheme://host[:port] without a path or trailing '/': " + o);
      }
      check(!(allowCredentials && allowedOrigins.stream().anyMatch(o -> o.trim().equals("*"))),
          "ssekit.cors.allow-credentials=true needs explicit ssekit.cors.allowed-origins: '*' would hand cookies to any site");
    }
  }

  /**
   * How many streams may be open, and what is answered beyond.
   *
   * @param maxStreams the most streams open at once (default unlimited); above it, 503
   * @param maxStreamsPerClient the most streams one client address may hold open (default unlimited)
   * @param retryAfter the Retry-After of 503 answers
   * @param maxLastEventIdLength the longest last event id accepted; longer ones count as none
   */
  public record Limits(
      @Nullable Integer maxStreams,
      @Nullable Integer maxStreamsPerClient,
      @DefaultValue("5s") Duration retryAfter,
      @DefaultValue("256") int maxLastEventIdLength) {
    /** Validates the values. */
    public Limits {
      if (maxStreams != null) {
        positive("ssekit.limits.max-streams", maxStreams);
      }
      if (maxStreamsPerClient != null) {
        positive("ssekit.limits.max-streams-per-client", maxStreamsPerClient);
      }
      notNegative("ssekit.limits.retry-after", retryAfter);
      positive("ssekit.limits.max-last-event-id-length", maxLastEventIdLength);
    }
  }

  /**
   * The HTTP publish endpoint: POST JSON {"data": ...} (or an array) to publish.
   *
   * @param path the path template of the endpoint (e.g. /api/topics/{topic}/events); unset, no endpoint
   * @param topic the topic, where {name} is that path parameter
   * @param token the bearer token publishers must send; empty, none is required
   * @param maxBytes the largest body accepted (413 above)
   * @param maxEvents the most events in one request (413 above)
   * @param readTimeout how long one publish request may take, body and broker confirmation
   */
  public record Publish(
      @Nullable String path,
      @DefaultValue("{topic}") String topic,
      @Nullable String token,
      @DefaultValue("64KB") DataSize maxBytes,
      @DefaultValue("512") int maxEvents,
      @DefaultValue("30s") Duration readTimeout) {
    /** Validates the values. */
    public Publish {
      if (token != null && token.isBlank()) {
        token = null;
      }
      check(maxBytes.toBytes() > 0 && maxBytes.toBytes() <= Integer.MAX_VALUE,
          "ssekit.publish.max-bytes must be positive and below 2 GB: " + maxBytes);
      positive("ssekit.publish.max-events", maxEvents);
      check(!readTimeout.isNegative() && !readTimeout.isZero(), "ssekit.publish.read-timeout must be positive: " + readTimeout);
    }
  }

  /**
   * One stream served from properties, with an adapter that lets every client in.
   *
   * @param path the path template (e.g. /sse/{topic}); its leading literal segments become
   *     the servlet mapping (/sse/*), so it must start with one
   * @param topic the topic, where {name} is that path parameter (e.g. {topic})
   * @param routingKey a path parameter ({id}) whose value is the routing key: the stream then
   *     gets only the messages published with that key; unset, every message of the topic
   */
  public record Stream(@Nullable String path, @Nullable String topic, @Nullable String routingKey) {
    /** Validates the routing key's form. */
    public Stream {
      if (routingKey != null && routingKey.isBlank()) {
        routingKey = null;
      }
      if (routingKey != null) {
        check(routingKey.length() > 2 && routingKey.startsWith("{") && routingKey.endsWith("}"),
            "ssekit.streams[].routing-key must be one path parameter such as {id}: " + routingKey);
      }
    }
  }

  /**
   * The embedded Tomcat, where many streams are open at once.
   *
   * @param compactBuffers run the connector on {@link
   *     org.ssekit.servlet.tomcat.CompactHttp11NioProtocol}, whose smaller per-connection buffers
   *     take about half the heap per open stream (docs/servlet-guide.md says what it costs the
   *     application's other responses); no effect on other containers
   */
  public record Tomcat(@DefaultValue("false") boolean compactBuffers) {}

  static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void positive(String property, int value) {
    check(value > 0, property + " must be positive: " + value);
  }

  private static void notNegative(String property, Duration value) {
    check(!value.isNegative(), property + " must not be negative: " + value);
  }
}
