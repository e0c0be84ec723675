package org.ssekit.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.CloseReason;
import org.ssekit.EventStream;
import org.ssekit.Hub;
import org.ssekit.HubStats;
import org.ssekit.servlet.RouterStats;
import org.ssekit.servlet.SseRouter;

/**
 * Binds a {@link Hub} (and optionally the {@link SseRouter} serving it) to a Micrometer {@link
 * MeterRegistry}:
 *
 * <pre>{@code
 * SseMetrics.of(router).bindTo(registry);           // Spring Boot: declare it as a MeterBinder bean
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code ssekit.streams.open}</td><td>gauge</td><td>{@code topic}, if {@linkplain
 *       Builder#topicTags opted in}</td><td>open streams</td></tr>
 *   <tr><td>{@code ssekit.streams.opened}</td><td>counter</td><td></td><td>streams opened</td></tr>
 *   <tr><td>{@code ssekit.streams.closed}</td><td>counter</td><td>{@code reason} (a {@link
 *       CloseReason})</td><td>streams closed</td></tr>
 *   <tr><td>{@code ssekit.events.published}</td><td>counter</td><td></td><td>messages published
 *       through the hub</td></tr>
 *   <tr><td>{@code ssekit.events.delivered}</td><td>counter</td><td></td><td>live events queued on
 *       streams</td></tr>
 *   <tr><td>{@code ssekit.events.dropped}</td><td>counter</td><td></td><td>events discarded by a
 *       drop policy</td></tr>
 *   <tr><td>{@code ssekit.history.replayed}</td><td>counter</td><td></td><td>messages replayed to
 *       resuming clients</td></tr>
 *   <tr><td>{@code ssekit.stream.queue.depth}</td><td>gauge</td><td></td><td>the deepest stream
 *       queue (events)</td></tr>
 *   <tr><td>{@code ssekit.delivery.latency}</td><td>timer</td><td></td><td>sampled publish to
 *       write latency</td></tr>
 *   <tr><td>{@code ssekit.broker.up}</td><td>gauge</td><td></td><td>1 while {@code
 *       Broker.health()} is up, else 0</td></tr>
 *   <tr><td>{@code ssekit.broker.reconnects}</td><td>counter</td><td></td><td>outages of the
 *       broker's connection that ended with a reconnect ({@code BrokerHealth.reconnects()})</td></tr>
 *   <tr><td>{@code ssekit.publish.rejected}</td><td>counter</td><td>{@code status}</td><td>refused
 *       publish requests (router only)</td></tr>
 *   <tr><td>{@code ssekit.streams.rejected}</td><td>counter</td><td>{@code status}</td><td>refused
 *       stream requests (router only)</td></tr>
 * </table>
 *
 * <p>Cost: every meter reads counters the hub and the router keep anyway ({@link HubStats}, {@link
 * RouterStats}), so binding adds nothing to publishing or fan-out. Reading {@code
 * ssekit.stream.queue.depth} walks the open streams once per scrape.
 *
 * <p>Threads: none by default. With {@link Builder#topicTags} a scheduler refreshes the per-topic
 * gauges (a daemon thread {@code ssekit-metrics}, stopped by {@link #close()}, or one injected).
 * Thread-safe; may be bound to several registries.
 */
public final class SseMetrics implements MeterBinder, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SseMetrics.class);

  /** The statuses the publish servlet answers a refusal with. */
  private static final int[] PUBLISH_STATUSES = {400, 401, 404, 413, 415, 503};

  /** The statuses a stream request is usually refused with (adapters may use others). */
  private static final int[] STREAM_STATUSES = {400, 401, 403, 404, 429, 500, 503};

  private final Hub hub;
  private final @Nullable SseRouter router;
  private final Tags tags;
  private final @Nullable Duration topicRefresh;
  private final @Nullable ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final List<MultiGauge> topicGauges = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable ScheduledFuture<?> refreshTask;

  private SseMetrics(Builder b) {
    this.hub = b.hub;
    this.router = b.router;
    this.tags = b.tags;
    this.topicRefresh = b.topicRefresh;
    if (b.topicRefresh != null && b.scheduler == null) {
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "ssekit-metrics");
                t.setDaemon(true);
                return t;
              });
      this.ownsScheduler = true;
    } else {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    }
  }

  /** Meters of {@code hub}, without tags. */
  public static SseMetrics of(Hub hub) {
    return builder(hub).build();
  }

  /** Meters of {@code router} and its hub, without tags. */
  public static SseMetrics of(SseRouter router) {
    return builder(router.hub()).router(router).build();
  }

  /** A builder for the meters of {@code hub}. */
  public static Builder builder(Hub hub) {
    return new Builder(Objects.requireNonNull(hub, "hub"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    HubStats s = hub.stats();
    if (topicRefresh == null) {
      Gauge.builder("ssekit.streams.open", hub, Hub::streamCount)
          .description("Open SSE streams")
          .baseUnit("streams")
          .tags(tags)
          .register(registry);
    } else {
      MultiGauge g =
          MultiGauge.builder("ssekit.streams.open")
              .description("Open SSE streams, by topic")
              .baseUnit("streams")
              .tags(tags)
              .register(registry);
      topicGauges.add(g);
      refreshTopics();
      startRefresh();
    }
    counter(registry, "ssekit.streams.opened", "Streams opened", "streams", s, HubStats::streamsOpened, Tags.empty());
    for (CloseReason reason : CloseReason.values()) {
      counter(
          registry,
          "ssekit.streams.closed",
          "Streams closed, by reason",
          "streams",
          s,
          st -> st.streamsClosed(reason),
          Tags.of("reason", reason.name()));
    }
    counter(registry, "ssekit.events.published", "Messages published through the hub", "events", s,
        HubStats::published, Tags.empty());
    counter(registry, "ssekit.events.delivered", "Live events queued on streams", "events", s,
        HubStats::delivered, Tags.empty());
    counter(registry, "ssekit.events.dropped", "Events discarded by a slow-consumer drop policy", "events", s,
        HubStats::dropped, Tags.empty());
    counter(registry, "ssekit.history.replayed", "Messages replayed from the history to resuming clients",
        "events", s, HubStats::replayed, Tags.empty());
    Gauge.builder("ssekit.stream.queue.depth", hub, SseMetrics::deepestQueue)
        .description("Events queued on the stream with the deepest queue")
        .baseUnit("events")
        .tags(tags)
        .register(registry);
    FunctionTimer.builder(
            "ssekit.delivery.latency",
            s,
            HubStats::latencySamples,
            HubStats::latencyTotalNanos,
            TimeUnit.NANOSECONDS)
        .description("Sampled latency from publish to the write that carries the event")
        .tags(tags)
        .register(registry);
    Gauge.builder("ssekit.broker.up", hub, SseMetrics::brokerUp)
        .description("1 while the hub's broker reports itself up, else 0")
        .tags(tags)
        .register(registry);
    counter(registry, "ssekit.broker.reconnects", "Outages of the hub's broker connection that ended with a reconnect",
        "reconnects", hub, SseMetrics::brokerReconnects, Tags.empty());
    SseRouter r = router;
    if (r != null) {
      RouterStats rs = r.stats();
      for (int status : PUBLISH_STATUSES) {
        counter(registry, "ssekit.publish.rejected", "Publish requests refused, by HTTP status", "requests",
            rs, x -> x.publishRejected(status), Tags.of("status", Integer.toString(status)));
      }
      for (int status : STREAM_STATUSES) {
        counter(registry, "ssekit.streams.rejected", "Stream requests refused, by HTTP status", "requests",
            rs, x -> x.streamsRejected(status), Tags.of("status", Integer.toString(status)));
      }
    }
  }

  private <T> void counter(
      MeterRegistry registry,
      String name,
      String description,
      String unit,
      T source,
      ToDoubleFunction<T> count,
      Tags extra) {
    FunctionCounter.builder(name, source, count)
        .description(description)
        .baseUnit(unit)
        .tags(tags.and(extra))
        .register(registry);
  }

  private static double deepestQueue(Hub hub) {
    int max = 0;
    for (EventStream s : hub.streams()) {
      max = Math.max(max, s.queued());
    }
    return max;
  }

  private static double brokerReconnects(Hub hub) {
    try {
      return hub.broker().health().reconnects();
    } catch (RuntimeException e) {
      log.debug("broker health failed; reporting no new reconnects", e);
      return Double.NaN;
    }
  }

  private static double brokerUp(Hub hub) {
    try {
      return hub.broker().health().up() ? 1 : 0;
    } catch (RuntimeException e) {
      log.debug("broker health failed; reporting it down", e);
      return 0;
    }
  }

  private void startRefresh() {
    ScheduledExecutorService sch = Objects.requireNonNull(scheduler);
    synchronized (this) {
      if (refreshTask != null || closed.get()) {
        return;
      }
      long period = Objects.requireNonNull(topicRefresh).toNanos();
      refreshTask = sch.scheduleAtFixedRate(this::refreshTopics, period, period, TimeUnit.NANOSECONDS);
    }
  }

  /** Counts the open streams per topic and replaces the rows of every per-topic gauge. */
  void refreshTopics() {
    try {
      Map<String, Integer> counts = new HashMap<>();
      for (EventStream s : hub.streams()) {
        counts.merge(s.topic(), 1, Integer::sum);
      }
      List<MultiGauge.Row<?>> rows = new ArrayList<>(counts.size());
      counts.forEach((topic, n) -> rows.add(MultiGauge.Row.of(Tags.of(Tag.of("topic", topic)), n)));
      for (MultiGauge g : topicGauges) {
        g.register(rows, true);
      }
    } catch (RuntimeException e) {
      log.warn("refreshing the per-topic stream gauges failed", e); // keep the periodic task alive
    }
  }

  /** Stops the per-topic refresh (and its thread, unless injected). The meters stay registered. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> t;
    synchronized (this) {
      t = refreshTask;
      refreshTask = null;
    }
    if (t != null) {
      t.cancel(false);
    }
    ScheduledExecutorService sch = scheduler;
    if (ownsScheduler && sch != null) {
      sch.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "SseMetrics{" + hub + (router != null ? ", " + router : "") + ", tags=" + tags + "}";
  }

  /** Builds {@link SseMetrics}. Not thread-safe. */
  public static final class Builder {
    private final Hub hub;
    private @Nullable SseRouter router;
    private Tags tags = Tags.empty();
    private @Nullable Duration topicRefresh;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder(Hub hub) {
      this.hub = hub;
    }

    /**
     * Adds the router's refusals ({@code ssekit.publish.rejected}, {@code ssekit.streams.rejected}).
     *
     * @throws IllegalArgumentException if the router serves another hub
     */
    public Builder router(SseRouter router) {
      Objects.requireNonNull(router, "router");
      if (router.hub() != hub) {
        throw new IllegalArgumentException("router serves another hub than " + hub);
      }
      this.router = router;
      return this;
    }

    /** Tags added to every meter, e.g. to tell two hubs apart. */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    /** One tag added to every meter. */
    public Builder tag(String key, String value) {
      this.tags = this.tags.and(key, value);
      return this;
    }

    /**
     * Tags {@code ssekit.streams.open} by {@code topic}, recounted every {@code refresh} on a daemon
     * thread {@code ssekit-metrics}. Off by default: the number of topics is the application's
     * (one per user or per document is common), and every topic becomes a time series.
     */
    public Builder topicTags(Duration refresh) {
      Objects.requireNonNull(refresh, "refresh");
      if (refresh.isNegative() || refresh.isZero()) {
        throw new IllegalArgumentException("topic refresh period must be positive: " + refresh);
      }
      this.topicRefresh = refresh;
      return this;
    }

    /** Like {@link #topicTags(Duration)}, refreshing on {@code scheduler} (not shut down by close). */
    public Builder topicTags(Duration refresh, ScheduledExecutorService scheduler) {
      topicTags(refresh);
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Builds the binder; nothing is registered until {@link SseMetrics#bindTo}. */
    public SseMetrics build() {
      return new SseMetrics(this);
    }
  }
}
