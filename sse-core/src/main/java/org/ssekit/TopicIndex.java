package org.ssekit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Broker;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;

/**
 * The hub's routing index: its topics, each with one broker subscription and its streams grouped
 * by adapter (all messages, or by routing key), and the routing of a delivered message to the
 * streams that want it.
 *
 * <p>Locks: a topic's monitor guards its membership and subscription state only. The broker is
 * subscribed outside it (a network round trip on Redis, NATS and PostgreSQL): the first stream of
 * a topic subscribes, later streams of the same topic wait for that subscription without holding
 * any lock, and a topic whose last stream left while the subscription was being made closes it as
 * soon as it exists. Adapters' {@code routingKey(Message)} runs on the broker's delivery thread,
 * under no lock. Thread-safe.
 */
final class TopicIndex {

  private static final Logger log = LoggerFactory.getLogger(TopicIndex.class);

  private final Broker broker;
  private final DefaultHub hub;
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

  TopicIndex(Broker broker, DefaultHub hub) {
    this.broker = broker;
    this.hub = hub;
  }

  /** One topic of this hub: its broker subscription and its streams, grouped by adapter. */
  private static final class Topic {
    final String name;
    final ConcurrentHashMap<StreamAdapter, Group> groups = new ConcurrentHashMap<>();
    /** Completes when the broker subscription exists, exceptionally when it could not be made. */
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    Subscriber.@Nullable Subscription subscription; // guarded by this
    boolean subscribing; // guarded by this: a stream took on subscribing this topic
    int count; // guarded by this
    boolean removed; // guarded by this

    Topic(String name) {
      this.name = name;
    }
  }

  /**
   * The streams of one topic that share an adapter: those taking all messages, and by key.
   * Concurrent sets, not copy-on-write lists: opening or closing one of n streams of a topic must
   * cost O(1), not a copy of n references (which made closing 10,000 streams quadratic).
   */
  private static final class Group {
    private static final DefaultEventStream[] NONE = new DefaultEventStream[0];

    final StreamAdapter adapter;
    final Set<DefaultEventStream> all = ConcurrentHashMap.newKeySet();
    final ConcurrentHashMap<String, Set<DefaultEventStream>> byKey = new ConcurrentHashMap<>();
    /**
     * {@link #all} as an array for deliveries, rebuilt by the first delivery after a change:
     * walking an array is cheaper than walking a concurrent set, and a burst of opens or closes
     * costs one rebuild, not one copy per change.
     */
    private volatile DefaultEventStream[] snapshot = NONE;
    /** Set (under the topic's lock) when {@link #all} changed since the snapshot was taken. */
    volatile boolean changed;

    Group(StreamAdapter adapter) {
      this.adapter = adapter;
    }

    /** The streams taking all messages, as of the last change before this call. */
    DefaultEventStream[] all(Topic t) {
      if (changed) {
        synchronized (t) {
          if (changed) {
            changed = false; // before reading the set: a change during the copy marks it again
            snapshot = all.toArray(NONE);
          }
        }
      }
      return snapshot;
    }

    boolean isEmpty() {
      return all.isEmpty() && byKey.isEmpty();
    }
  }

  /**
   * Adds {@code s} to its topic and returns once the topic's broker subscription exists, so that
   * a history read after this call misses nothing. Subscribes the broker if {@code s} is the
   * first stream of the topic.
   *
   * @throws RuntimeException if the broker cannot subscribe; {@code s} is then still a member and
   *     the caller closes it (which makes it leave)
   */
  void join(DefaultEventStream s) {
    Topic t;
    boolean subscribe;
    while (true) {
      t = topics.computeIfAbsent(s.topic(), Topic::new);
      synchronized (t) {
        if (t.removed) {
          continue;
        }
        Group g = t.groups.computeIfAbsent(s.adapter, Group::new);
        if (s.routingKey.isPresent()) {
          g.byKey.computeIfAbsent(s.routingKey.get(), k -> ConcurrentHashMap.newKeySet()).add(s);
        } else {
          g.all.add(s);
          g.changed = true;
        }
        t.count++;
        subscribe = !t.subscribing;
        t.subscribing = true;
        break;
      }
    }
    if (subscribe) {
      subscribe(t);
    }
    try {
      t.subscribed.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /** Makes the broker subscription of {@code t}, under no lock; wakes the streams that wait. */
  private void subscribe(Topic t) {
    Subscriber.Subscription sub;
    try {
      // bound to this Topic instance: a subscription still closing after its topic emptied must
      // not deliver to the streams of a newer instance of the same topic (duplicates)
      sub = broker.subscribe(t.name, new TopicHandler(t));
    } catch (RuntimeException e) {
      synchronized (t) {
        // a failed topic is not reused: the next stream of its name makes a new one and retries
        t.removed = true;
        topics.remove(t.name, t);
      }
      t.subscribed.completeExceptionally(e);
      return;
    }
    boolean orphan;
    synchronized (t) {
      orphan = t.removed; // every stream left while we subscribed
      if (!orphan) {
        t.subscription = sub;
      }
    }
    t.subscribed.complete(null);
    if (orphan) {
      closeQuietly(t.name, sub);
    }
  }

  /** Removes {@code s} from its topic; the last stream to leave closes the broker subscription. */
  void leave(DefaultEventStream s) {
    Topic t = topics.get(s.topic());
    if (t == null) {
      return;
    }
    Subscriber.Subscription sub = null;
    synchronized (t) {
      Group g = t.groups.get(s.adapter);
      if (g == null) {
        return;
      }
      boolean removed;
      if (s.routingKey.isPresent()) {
        String k = s.routingKey.get();
        Set<DefaultEventStream> list = g.byKey.get(k);
        removed = list != null && list.remove(s);
        if (list != null && list.isEmpty()) {
          g.byKey.remove(k);
        }
      } else {
        removed = g.all.remove(s);
        g.changed |= removed;
      }
      if (!removed) {
        return;
      }
      if (g.isEmpty()) {
        t.groups.remove(s.adapter);
      }
      if (--t.count == 0) {
        t.removed = true;
        topics.remove(t.name, t);
        sub = t.subscription; // null while still subscribing: subscribe() closes it then
        t.subscription = null;
      }
    }
    if (sub != null) {
      closeQuietly(t.name, sub);
    }
  }

  private static void closeQuietly(String topic, Subscriber.Subscription sub) {
    try {
      sub.close();
    } catch (RuntimeException e) {
      log.warn("closing the subscription of topic {} failed", topic, e);
    }
  }

  /** The number of streams of {@code topic}. */
  int count(String topic) {
    Topic t = topics.get(topic);
    if (t == null) {
      return 0;
    }
    synchronized (t) {
      return t.count;
    }
  }

  /** The number of topics with at least one stream. */
  int size() {
    return topics.size();
  }

  /** The broker's deliveries to one {@link Topic} instance. */
  private final class TopicHandler implements Subscriber.MessageHandler {
    private final Topic topic;

    TopicHandler(Topic topic) {
      this.topic = topic;
    }

    @Override
    public void onMessage(String name, Message message) {
      route(topic, message);
    }

    @Override
    public void onGap(String name) {
      gap(topic);
    }
  }

  /**
   * The broker skipped messages of {@code t}: its streams can never get them live, so close them
   * all; each client reconnects with its last event id and the replay tells it of the gap.
   */
  private void gap(Topic t) {
    List<DefaultEventStream> victims = new ArrayList<>();
    for (Group g : t.groups.values()) {
      victims.addAll(g.all);
      for (Set<DefaultEventStream> list : g.byKey.values()) {
        victims.addAll(list);
      }
    }
    log.warn(
        "broker skipped messages of topic {}; closing its {} stream(s) so they resume",
        t.name,
        victims.size());
    for (DefaultEventStream s : victims) {
      hub.close(s, CloseReason.HISTORY_GAP);
    }
  }

  /**
   * Routes one delivered message to the streams of {@code t} that want it. Counts the deliveries
   * in a local and adds them to the hub's counter once per message.
   */
  private void route(Topic t, Message message) {
    long sentAt = DefaultHub.sentAt(message);
    int n = 0;
    for (Group g : t.groups.values()) {
      for (DefaultEventStream s : g.all(t)) {
        n += hub.deliver(s, message, sentAt, n);
      }
      if (g.byKey.isEmpty()) {
        continue;
      }
      Optional<String> key;
      try {
        key = g.adapter.routingKey(message);
      } catch (RuntimeException e) {
        log.warn("stream adapter {} failed to route {}; skipping it", g.adapter, message, e);
        continue;
      }
      if (key.isEmpty()) {
        for (Set<DefaultEventStream> list : g.byKey.values()) {
          n += deliver(list, message, sentAt, n);
        }
      } else {
        Set<DefaultEventStream> list = g.byKey.get(key.get());
        if (list != null) {
          n += deliver(list, message, sentAt, n);
        }
      }
    }
    hub.delivered(n);
  }

  private int deliver(Set<DefaultEventStream> list, Message message, long sentAt, int before) {
    int n = 0;
    for (DefaultEventStream s : list) {
      n += hub.deliver(s, message, sentAt, before + n);
    }
    return n;
  }
}
