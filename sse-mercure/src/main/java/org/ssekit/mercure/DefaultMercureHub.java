package org.ssekit.mercure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.servlet.SseRouter;

/** The {@link MercureHub} implementation: configuration, publishing, presence and id memory. */
final class DefaultMercureHub implements MercureHub {

  private static final Logger log = LoggerFactory.getLogger(DefaultMercureHub.class);
  static final ObjectMapper JSON = new ObjectMapper();
  static final String EARLIEST = "earliest";

  final SseRouter router;
  private final boolean ownsRouter;
  private final @Nullable Hub ownHub;
  final Hub hub;
  final String path;
  final String topic;
  final ReleasedProfile released;
  final DraftProfile draft;
  final TokenVerifier publisherVerifier;
  final TokenVerifier subscriberVerifier;
  final boolean anonymous;
  final boolean subscriptions;
  final Set<String> corsOrigins;
  final Profile.Limits limits;
  final int maxTopics;
  final int maxPublishBytes;
  final int maxIdLength;
  final Duration publishTimeout;
  final @Nullable RateLimiter publishLimiter;
  final @Nullable RateLimiter subscribeLimiter;
  final Clock clock;
  final ScheduledExecutorService expiry;
  final AtomicInteger subscribers = new AtomicInteger();

  /**
   * Recent update ids seen by this instance (its own and, through the broker, everyone's), each
   * with the broker's id of its message ("" until known).
   */
  private final Map<String, String> recent;
  /** The event of the message delivered last: one encoding for all its subscribers. */
  private final AtomicReference<Map.@Nullable Entry<Message, Event>> lastEvent = new AtomicReference<>();
  /** Active subscriptions by event topic: the profile name and the document. */
  final ConcurrentHashMap<String, Map.Entry<String, ObjectNode>> active = new ConcurrentHashMap<>();
  volatile String lastEventId = EARLIEST;
  private final Subscriber.Subscription monitor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HttpServlet servlet;

  DefaultMercureHub(MercureHub.Builder b) {
    if (b.router != null) {
      this.router = b.router;
      this.ownsRouter = false;
      this.ownHub = null;
    } else {
      Hub h = b.hub;
      Hub built = null;
      if (h == null) {
        // a broker given to the builder stays the application's; the default one is the hub's
        Hub.Builder hb = Hub.builder().heartbeat(b.heartbeat);
        built = b.broker != null ? hb.broker(b.broker).build() : hb.build();
        h = built;
      }
      this.ownHub = built;
      this.router = SseRouter.builder().hub(h).build();
      this.ownsRouter = true;
    }
    this.hub = router.hub();
    this.path = b.path;
    this.topic = b.topic;
    this.released = new ReleasedProfile(b.cookieName);
    this.draft =
        new DraftProfile(b.draftCookieName, b.issuers, b.audience == null ? "" : b.audience, b.origin);
    this.clock = b.clock;
    this.publisherVerifier = TokenVerifier.create(java.util.Objects.requireNonNull(b.publisherAlg), java.util.Objects.requireNonNull(b.publisherKey), clock);
    this.subscriberVerifier =
        b.subscriberKey == null
            ? publisherVerifier
            : TokenVerifier.create(java.util.Objects.requireNonNull(b.subscriberAlg), b.subscriberKey, clock);
    this.anonymous = b.anonymous;
    this.subscriptions = b.subscriptions;
    this.corsOrigins = Set.copyOf(b.corsOrigins);
    this.limits = new Profile.Limits(b.maxSelectors, b.maxSelectorLength, b.maxClaimSelectors);
    this.maxTopics = b.maxTopics;
    this.maxPublishBytes = b.maxPublishBytes;
    this.maxIdLength = b.maxIdLength;
    this.publishTimeout = b.publishTimeout;
    this.publishLimiter = b.publishRate > 0 ? new RateLimiter(b.publishRate, b.publishBurst, System::nanoTime) : null;
    this.subscribeLimiter =
        b.subscribeRate > 0 ? new RateLimiter(b.subscribeRate, b.subscribeBurst, System::nanoTime) : null;
    int keep = b.recentIds;
    this.recent =
        Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
              private static final long serialVersionUID = 1L;

              @Override
              protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > keep;
              }
            });
    this.expiry =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ssekit-mercure-expiry");
              t.setDaemon(true);
              return t;
            });
    // one subscription per instance sees every update of every instance: the ids to refuse, the
    // cursor of the subscriptions API and the presence of every subscriber in the cluster
    this.monitor = hub.broker().subscribe(topic, (t, m) -> observe(m));
    primeIds(keep);
    this.servlet = new HubServlet(this);
  }

  // ---- the public API ----------------------------------------------------------------------

  @Override
  public HttpServlet servlet() {
    return servlet;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public SseRouter router() {
    return router;
  }

  @Override
  public int subscriberCount() {
    return subscribers.get();
  }

  @Override
  public CompletionStage<String> publish(MercureHub.Update update) {
    String id = update.id().orElse(null);
    try {
      return publish(update.topics(), update.data(), update.isPrivate(), id, update.type().orElse(null), update.retry().orElse(null), null);
    } catch (BadRequestException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage()));
    }
  }

  /**
   * Publishes a validated update; the stage completes with its id once the broker accepted it.
   *
   * @throws BadRequestException 409 when the id was used by a recent update
   */
  CompletionStage<String> publish(
      List<String> topics,
      String data,
      boolean isPrivate,
      @Nullable String id,
      @Nullable String type,
      @Nullable Long retry,
      @Nullable String presence)
      throws BadRequestException {
    String actual = id != null ? id : "urn:uuid:" + UUID.randomUUID();
    if (id != null && recent.putIfAbsent(id, "") != null) {
      throw new BadRequestException(409, "an update with id " + id + " already exists");
    }
    recent.putIfAbsent(actual, "");
    Message m = Updates.toMessage(actual, topics, data, isPrivate, type, retry, presence);
    return hub.publish(topic, m).thenApply(stored -> actual);
  }

  /**
   * What is wrong with an update's fields, or null: at least one topic, each valid; an id that
   * does not start with {@code #}, is not {@code earliest} and holds no control character; a type
   * without control characters and not {@code mercure} (the draft reserves it for subscription
   * events).
   */
  static @Nullable String problem(List<String> topics, @Nullable String id, @Nullable String type) {
    if (topics.isEmpty()) {
      return "an update needs at least one \"topic\"";
    }
    for (String t : topics) {
      if (t.isEmpty()) {
        return "a \"topic\" is empty";
      }
      if (!Strings.valid(t)) {
        return "a \"topic\" contains a control or format character";
      }
      if (t.equals("*")) {
        return "\"*\" is the wildcard selector, not a topic";
      }
    }
    if (id != null) {
      if (id.isEmpty()) {
        return "\"id\" is empty";
      }
      if (id.startsWith("#")) {
        return "\"id\" must not start with '#'";
      }
      if (id.equals(EARLIEST)) {
        return "\"earliest\" is reserved and cannot be an \"id\"";
      }
      if (!Strings.valid(id)) {
        return "\"id\" contains a control or format character";
      }
    }
    if (type != null) {
      if (!Strings.valid(type)) {
        return "\"type\" contains a control or format character";
      }
      if (type.equals("mercure")) {
        return "\"type\" mercure is reserved for the hub's subscription events";
      }
    }
    return null;
  }

  // ---- presence and id memory ----------------------------------------------------------------

  /** Sees every update on the broker topic, from this instance or another. */
  private void observe(Message m) {
    try {
      String id = Updates.id(m);
      if (id != null) {
        recent.put(id, m.id().orElse(id));
        lastEventId = id;
      }
      String profile = m.metadata().get(Updates.PRESENCE);
      if (profile == null) {
        return;
      }
      JsonNode doc = JSON.readTree(m.payloadAsString());
      String topicId = doc.path("id").asText("");
      if (doc.path("active").asBoolean(false)) {
        active.put(topicId, Map.entry(profile, (ObjectNode) doc));
      } else {
        active.remove(topicId);
      }
    } catch (Exception e) {
      log.warn("cannot read a subscription event {}", m, e);
    }
  }

  /**
   * The broker's id of the update a subscriber resumes from: the same id on brokers that keep a
   * message's own id; the log's number on one that assigns its own (PostgreSQL), as far as this
   * instance saw it (else the id itself, which the history then does not know: a gap).
   */
  String brokerId(String updateId) {
    String b = recent.get(updateId);
    return b == null || b.isEmpty() ? updateId : b;
  }

  /**
   * The event subscribers receive for {@code m}: its id is the update's. Where the broker kept that
   * id, it is the message's own cached event; otherwise one event per message, built once and
   * shared by the subscribers it is delivered to in a row.
   */
  Event event(Message m) {
    String id = m.metadata().get(Updates.ID);
    if (id == null || id.equals(m.id().orElse(null))) {
      return m.toEvent();
    }
    Map.Entry<Message, Event> last = lastEvent.get();
    if (last != null && last.getKey() == m) {
      return last.getValue();
    }
    Event.Builder b = Event.builder().id(id).data(m.payloadAsString());
    String type = m.metadata().get(Message.EVENT);
    if (type != null) {
      b.name(type);
    }
    String retry = m.metadata().get(Message.RETRY);
    if (retry != null) {
      b.retry(Long.parseLong(retry));
    }
    Event e = b.build();
    lastEvent.set(Map.entry(m, e));
    return e;
  }

  /** Learns the ids of the updates the history holds, so resuming from them works at once. */
  private void primeIds(int max) {
    hub.broker().history().ifPresent(log -> {
      try {
        for (Message m : log.readAfter(topic, "-", max).messages()) {
          String id = Updates.id(m);
          if (id != null) {
            recent.put(id, m.id().orElse(id));
            lastEventId = id;
          }
        }
      } catch (RuntimeException e) {
        DefaultMercureHub.log.warn("cannot read the history of {} to learn its ids", topic, e);
      }
    });
  }

  /** Publishes the subscription events of one subscriber's connection or departure. */
  void presence(Profile profile, MercureAdapter adapter, String subscriber, boolean isActive) {
    if (!subscriptions || closed.get()) {
      return;
    }
    for (Selector s : adapter.selectors()) {
      String t = profile.subscriptionTopic(path, s, subscriber);
      JsonNode payload = adapter.grants().payloadFor(s.raw()).orElse(null);
      ObjectNode doc = profile.subscriptionDocument(t, s, subscriber, isActive, payload);
      try {
        publish(List.of(t), doc.toString(), true, null, profile.subscriptionEventType(), null, profile.name())
            .whenComplete(
                (id, e) -> {
                  if (e != null) {
                    log.warn("cannot publish the subscription event of {}", t, e);
                  }
                });
      } catch (BadRequestException e) {
        log.warn("cannot publish the subscription event of {}: {}", t, e.getMessage());
      }
    }
  }

  /** The active subscriptions of {@code profile}, as documents. */
  List<ObjectNode> activeSubscriptions(String profile) {
    List<ObjectNode> out = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> e : active.values()) {
      if (e.getKey().equals(profile)) {
        out.add(e.getValue());
      }
    }
    out.sort((a, b) -> a.path("id").asText().compareTo(b.path("id").asText()));
    return out;
  }

  /** Whether the broker keeps a history that subscribers can resume from. */
  boolean hasHistory() {
    return hub.broker().history().isPresent();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    expiry.shutdownNow();
    try {
      monitor.close();
    } catch (RuntimeException e) {
      log.warn("closing the presence subscription failed", e);
    }
    if (ownsRouter) {
      router.close();
      if (ownHub != null) {
        ownHub.close();
      }
    }
  }

  @Override
  public String toString() {
    return "MercureHub{" + path + ", subscribers=" + subscribers.get() + "}";
  }
}
