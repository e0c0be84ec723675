package org.ssekit.mercure;

import jakarta.servlet.http.HttpServlet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.ssekit.broker.Broker;
import org.ssekit.Hub;
import org.ssekit.servlet.SseRouter;

/**
 * A Mercure hub on ssekit. {@link #servlet()} is the hub URL (by default {@code
 * /.well-known/mercure}): subscribe ({@code GET}, a Server-Sent Events stream), publish ({@code
 * POST}, a form), CORS preflights and, when enabled, the subscriptions API below it. Mount it in any
 * Servlet 6 container at the hub path and the path below it, with {@code asyncSupported=true}:
 *
 * <pre>{@code
 * MercureHub mercure = MercureHub.builder()
 *     .jwtKey("HS256", System.getenv("MERCURE_JWT_KEY"))     // publishers and subscribers
 *     .broker(RedisBroker.create("redis://127.0.0.1:6379"))   // optional: a cluster of hubs
 *     .build();
 * ServletHolder h = new ServletHolder(mercure.servlet());
 * h.setAsyncSupported(true);
 * context.addServlet(h, "/.well-known/mercure/*");          // also matches /.well-known/mercure
 * mercure.publish(MercureHub.Update.builder().topic("https://example.com/books/1").data("{}").build());
 * }</pre>
 *
 * <p>Both protocol profiles are served: the released one (v0.x hubs and clients: {@code topic}
 * selectors with URI Templates, the {@code mercure} JWT claim) and the current draft ({@code match}
 * / {@code match_urlpattern} selectors); the draft's {@code at+jwt} tokens with {@code
 * authorization_details} are accepted when {@link Builder#draft} names their issuers and audience
 * (until then, draft-style requests carry released-profile tokens). Updates travel
 * on one topic of the ssekit {@link Hub} ({@link Builder#topic}), so history, resume and clustering
 * are the broker's: two hubs on one Redis, NATS or PostgreSQL broker serve the same updates.
 *
 * <p>Threads: every method is thread-safe. {@link #publish} returns at once. Streams are written by
 * the {@link SseRouter}'s writer threads; no thread is held per subscriber. Token expiry is
 * enforced by one daemon thread {@code ssekit-mercure-expiry}.
 */
public interface MercureHub extends AutoCloseable {

  /** The default hub path. */
  String DEFAULT_PATH = "/.well-known/mercure";

  /** A builder. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The value of a discovery {@code Link} header pointing at {@code hubUrl}: {@code
   * <hubUrl>; rel="mercure"}, which an application adds to the responses of resources that have
   * updates.
   *
   * @throws IllegalArgumentException if the URL contains characters not allowed in a Link target
   */
  static String discoveryLink(String hubUrl) {
    Objects.requireNonNull(hubUrl, "hubUrl");
    for (int i = 0; i < hubUrl.length(); i++) {
      char c = hubUrl.charAt(i);
      if (c <= ' ' || c == '<' || c == '>' || c == '"' || c >= 0x7F) {
        throw new IllegalArgumentException("not a URL for a Link header: " + hubUrl);
      }
    }
    return "<" + hubUrl + ">; rel=\"mercure\"";
  }

  /** The servlet of the hub URL and the paths below it; register it with async support. */
  HttpServlet servlet();

  /** The hub path, e.g. {@code /.well-known/mercure}. */
  String path();

  /**
   * Publishes {@code update} through the broker, as a {@code POST} would (without authorization).
   *
   * @return a stage completed with the update's id, or exceptionally with an {@link
   *     IllegalArgumentException} if the update is invalid or its id was already used
   */
  CompletionStage<String> publish(Update update);

  /** The router the hub's streams are served by. */
  SseRouter router();

  /** The number of open subscriber connections on this instance. */
  int subscriberCount();

  /**
   * Stops the expiry thread, the presence tracking and, if the hub built them, the router, hub and
   * broker. Idempotent.
   */
  @Override
  void close();

  /**
   * One update to publish from Java. Built with {@link #builder()}; validated on {@link
   * Builder#build()}. Immutable.
   */
  final class Update {
    private final List<String> topics;
    private final String data;
    private final boolean privateUpdate;
    private final @Nullable String id;
    private final @Nullable String type;
    private final @Nullable Long retry;

    private Update(Builder b) {
      this.topics = List.copyOf(b.topics);
      this.data = b.data;
      this.privateUpdate = b.privateUpdate;
      this.id = b.id;
      this.type = b.type;
      this.retry = b.retry;
    }

    /** A builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** The topics, canonical first. */
    public List<String> topics() {
      return topics;
    }

    /** The data. */
    public String data() {
      return data;
    }

    /** Whether only authorised subscribers may receive it. */
    public boolean isPrivate() {
      return privateUpdate;
    }

    /** The id chosen by the publisher; absent means the hub generates a {@code urn:uuid:}. */
    public Optional<String> id() {
      return Optional.ofNullable(id);
    }

    /** The SSE event type. */
    public Optional<String> type() {
      return Optional.ofNullable(type);
    }

    /** The SSE reconnection time in milliseconds. */
    public Optional<Long> retry() {
      return Optional.ofNullable(retry);
    }

    /** Builds an {@link Update}. Not thread-safe. */
    public static final class Builder {
      private final List<String> topics = new ArrayList<>();
      private String data = "";
      private boolean privateUpdate;
      private @Nullable String id;
      private @Nullable String type;
      private @Nullable Long retry;

      private Builder() {}

      /** Adds a topic; the first is the canonical one. */
      public Builder topic(String topic) {
        topics.add(Objects.requireNonNull(topic, "topic"));
        return this;
      }

      /** The data (default empty). */
      public Builder data(String data) {
        this.data = Objects.requireNonNull(data, "data");
        return this;
      }

      /** Marks the update private. */
      public Builder privateUpdate(boolean privateUpdate) {
        this.privateUpdate = privateUpdate;
        return this;
      }

      /** The id (default: a generated {@code urn:uuid:}). */
      public Builder id(String id) {
        this.id = Objects.requireNonNull(id, "id");
        return this;
      }

      /** The SSE event type. */
      public Builder type(String type) {
        this.type = Objects.requireNonNull(type, "type");
        return this;
      }

      /** The SSE reconnection time. */
      public Builder retry(Duration retry) {
        Objects.requireNonNull(retry, "retry");
        if (retry.isNegative()) {
          throw new IllegalArgumentException("retry must not be negative: " + retry);
        }
        this.retry = retry.toMillis();
        return this;
      }

      /**
       * Builds the update.
       *
       * @throws IllegalArgumentException naming the invalid field
       */
      public Update build() {
        Update u = new Update(this);
        String problem = DefaultMercureHub.problem(u.topics, u.id, u.type);
        if (problem != null) {
          throw new IllegalArgumentException(problem);
        }
        return u;
      }
    }
  }

  /**
   * Builds a {@link MercureHub}. Setters fail fast on invalid values; {@link #build()} fails when
   * the configuration is incomplete (no publisher key) or contradictory. Not thread-safe.
   */
  final class Builder {
    @Nullable SseRouter router;
    @Nullable Hub hub;
    @Nullable Broker broker;
    String path = DEFAULT_PATH;
    String topic = "mercure";
    @Nullable String publisherAlg;
    @Nullable String publisherKey;
    @Nullable String subscriberAlg;
    @Nullable String subscriberKey;
    boolean anonymous;
    boolean subscriptions;
    final Set<String> corsOrigins = new LinkedHashSet<>();
    final Set<String> issuers = new LinkedHashSet<>();
    @Nullable String audience;
    String origin = "http://localhost";
    String cookieName = ReleasedProfile.COOKIE;
    String draftCookieName = DraftProfile.COOKIE;
    int maxSelectors = 100;
    int maxSelectorLength = 2048;
    int maxClaimSelectors = 1000;
    int maxTopics = 100;
    int maxPublishBytes = 1024 * 1024;
    int maxIdLength = 256;
    int recentIds = 10_000;
    double publishRate;
    int publishBurst;
    double subscribeRate;
    int subscribeBurst;
    Duration publishTimeout = Duration.ofSeconds(5);
    Duration heartbeat = Duration.ofSeconds(15);
    Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Serves on an existing router (and its hub and broker), which the Mercure hub does not close.
     * Exclusive with {@link #hub} and {@link #broker}.
     */
    public Builder router(SseRouter router) {
      this.router = Objects.requireNonNull(router, "router");
      return this;
    }

    /** Serves on an existing hub, with a router of its own. Exclusive with {@link #router}. */
    public Builder hub(Hub hub) {
      this.hub = Objects.requireNonNull(hub, "hub");
      return this;
    }

    /**
     * Builds its hub and router on {@code broker} (default: an in-memory broker with the default
     * history). Exclusive with {@link #router} and {@link #hub}.
     */
    public Builder broker(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    /** The hub path (default {@value MercureHub#DEFAULT_PATH}). */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/") || path.endsWith("/") || path.contains("?") || path.contains("#")) {
        throw new IllegalArgumentException("hub path must start with '/' and not end with one: " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * The ssekit topic the updates travel on (default {@code mercure}): hubs that share a broker
     * and this topic form one Mercure hub.
     */
    public Builder topic(String topic) {
      Objects.requireNonNull(topic, "topic");
      if (topic.isEmpty()) {
        throw new IllegalArgumentException("topic must not be empty");
      }
      this.topic = topic;
      return this;
    }

    /**
     * The key and algorithm of both publisher and subscriber tokens, unless {@link #publisherJwt}
     * or {@link #subscriberJwt} set their own.
     *
     * @param alg HS256/384/512 (key: the shared secret), RS*, PS* or ES* (key: a PEM public key)
     */
    public Builder jwtKey(String alg, String key) {
      publisherJwt(alg, key);
      subscriberJwt(alg, key);
      return this;
    }

    /** The key and algorithm of publisher tokens (required). */
    public Builder publisherJwt(String alg, String key) {
      TokenVerifier.create(alg, key, clock); // fail fast on a bad key
      this.publisherAlg = alg;
      this.publisherKey = key;
      return this;
    }

    /** The key and algorithm of subscriber tokens (default: the publisher's). */
    public Builder subscriberJwt(String alg, String key) {
      TokenVerifier.create(alg, key, clock);
      this.subscriberAlg = alg;
      this.subscriberKey = key;
      return this;
    }

    /** Lets subscribers without a token receive public updates (default false: 401). */
    public Builder anonymous(boolean anonymous) {
      this.anonymous = anonymous;
      return this;
    }

    /**
     * Publishes subscription events (presence) and serves the subscriptions API (default false).
     */
    public Builder subscriptions(boolean enabled) {
      this.subscriptions = enabled;
      return this;
    }

    /**
     * Origins allowed to subscribe and publish from other sites ({@code scheme://host[:port]}), with
     * credentials (cookies); also the origins a cookie-authorised publish may come from. Default:
     * none.
     */
    public Builder corsOrigins(String... origins) {
      for (String o : origins) {
        String t = Objects.requireNonNull(o, "origin").trim();
        if (t.isEmpty()) {
          continue;
        }
        if (t.equals("*")) {
          throw new IllegalArgumentException("'*' cannot be a CORS origin: tokens travel in cookies, name the origins");
        }
        if (t.endsWith("/") || !t.contains("://")) {
          throw new IllegalArgumentException("an origin is scheme://host[:port] without a path: " + o);
        }
        corsOrigins.add(t.toLowerCase(java.util.Locale.ROOT));
      }
      return this;
    }

    /**
     * Enables the draft profile: tokens must be {@code at+jwt}, issued by one of {@code issuers} for
     * {@code audience} (the hub's resource identifier, e.g. {@code
     * https://hub.example.com/.well-known/mercure}).
     */
    public Builder draft(Set<String> issuers, String audience) {
      Objects.requireNonNull(issuers, "issuers");
      Objects.requireNonNull(audience, "audience");
      if (issuers.isEmpty() || audience.isBlank()) {
        throw new IllegalArgumentException("the draft profile needs at least one issuer and an audience");
      }
      this.issuers.clear();
      this.issuers.addAll(issuers);
      this.audience = audience;
      return this;
    }

    /**
     * The hub's origin ({@code scheme://host[:port]}), against which the draft resolves relative
     * URL patterns and topics (default {@code http://localhost}).
     */
    public Builder origin(String origin) {
      Objects.requireNonNull(origin, "origin");
      if (!origin.contains("://") || origin.endsWith("/")) {
        throw new IllegalArgumentException("an origin is scheme://host[:port]: " + origin);
      }
      this.origin = origin;
      return this;
    }

    /** The cookie name of the released profile (default {@code mercureAuthorization}). */
    public Builder cookieName(String name) {
      this.cookieName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The most selectors one subscribe request may carry (default 100); above it, 400. */
    public Builder maxSelectors(int max) {
      this.maxSelectors = positive(max, "maxSelectors");
      return this;
    }

    /** The longest selector, topic or token claim selector (default 2048 characters). */
    public Builder maxSelectorLength(int max) {
      this.maxSelectorLength = positive(max, "maxSelectorLength");
      return this;
    }

    /** The most topics one update may have (default 100); above it, 413. */
    public Builder maxTopics(int max) {
      this.maxTopics = positive(max, "maxTopics");
      return this;
    }

    /** The largest publish body (default 1 MiB); above it, 413. */
    public Builder maxPublishBytes(int max) {
      this.maxPublishBytes = positive(max, "maxPublishBytes");
      return this;
    }

    /**
     * How many recent update ids each instance remembers to refuse a reused one with 409 (default
     * 10,000).
     */
    public Builder recentIds(int count) {
      this.recentIds = positive(count, "recentIds");
      return this;
    }

    /** Publish requests per second per client address, with bursts (default unlimited); 429. */
    public Builder publishRate(double perSecond, int burst) {
      if (perSecond <= 0 || burst < 1) {
        throw new IllegalArgumentException("publishRate needs a positive rate and burst");
      }
      this.publishRate = perSecond;
      this.publishBurst = burst;
      return this;
    }

    /** Subscribe requests per second per client address, with bursts (default unlimited); 429. */
    public Builder subscribeRate(double perSecond, int burst) {
      if (perSecond <= 0 || burst < 1) {
        throw new IllegalArgumentException("subscribeRate needs a positive rate and burst");
      }
      this.subscribeRate = perSecond;
      this.subscribeBurst = burst;
      return this;
    }

    /** How long a publish request waits for the broker to accept the update (default 5 s). */
    public Builder publishTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("publishTimeout must be positive: " + timeout);
      }
      this.publishTimeout = timeout;
      return this;
    }

    /**
     * The period of keep-alive comments on idle streams of the hub this builder creates (default
     * 15 s); they also reveal subscribers that left, which ends their subscriptions. With {@link
     * #router} or {@link #hub}, that hub's setting applies.
     */
    public Builder heartbeat(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("heartbeat must be positive: " + period);
      }
      this.heartbeat = period;
      return this;
    }

    /** The clock tokens are checked against (default UTC system clock); for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    private static int positive(int v, String name) {
      if (v < 1) {
        throw new IllegalArgumentException(name + " must be positive: " + v);
      }
      return v;
    }

    /**
     * Builds the hub (and its router, hub and broker unless given).
     *
     * @throws IllegalStateException if no publisher key is set, or router, hub and broker are
     *     combined
     */
    public MercureHub build() {
      if (publisherKey == null) {
        throw new IllegalStateException("a publisher key is required: publisherJwt(alg, key) or jwtKey(alg, key)");
      }
      int sources = (router != null ? 1 : 0) + (hub != null ? 1 : 0) + (broker != null ? 1 : 0);
      if (sources > 1) {
        throw new IllegalStateException("set at most one of router(...), hub(...) and broker(...)");
      }
      return new DefaultMercureHub(this);
    }
  }
}
