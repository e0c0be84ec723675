package org.ssekit.examples.microblog;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The microblog's state: posts, their views and reactions, kept in memory.
 *
 * <p>Thread-safe. Each post's counters are changed under that post's own lock, and the change
 * listener runs under the same lock, so the snapshots a listener sees for one post arrive in the
 * order the counters changed (a later snapshot never overtakes an earlier one). The listener must
 * therefore be quick and must not block (publishing to the hub is).
 */
public final class Microblog {

  private static final Logger log = LoggerFactory.getLogger(Microblog.class);

  private final Map<Long, Entry> posts = new ConcurrentHashMap<>();
  private final List<Post> ordered;
  private final BiConsumer<PostStats, String> onChange;

  private Microblog(List<Post> posts, BiConsumer<PostStats, String> onChange) {
    this.ordered = List.copyOf(posts);
    for (Post p : posts) {
      if (this.posts.putIfAbsent(p.id(), new Entry(p)) != null) {
        throw new IllegalArgumentException("duplicate post id: " + p.id());
      }
    }
    this.onChange = Objects.requireNonNull(onChange, "onChange");
  }

  /**
   * A microblog of {@code posts}. {@code onChange} is called with the new snapshot and the name
   * of the counter that changed ({@link StatsView#VIEWS} or a {@link Reaction#id()}).
   */
  public static Microblog of(List<Post> posts, BiConsumer<PostStats, String> onChange) {
    return new Microblog(posts, onChange);
  }

  /** A few posts to play with. */
  public static List<Post> samplePosts() {
    return List.of(
        new Post(1, "ada", "Hello, live web", "Open this post in two windows and click a reaction."),
        new Post(2, "grace", "Server-Sent Events", "One HTTP response that never ends, one event per change."),
        new Post(3, "linus", "Routing keys", "Only the viewers of this post get its updates."));
  }

  /** All posts, in the order given. */
  public List<Post> posts() {
    return ordered;
  }

  /** The post with {@code id}, if any. */
  public Optional<Post> post(long id) {
    return Optional.ofNullable(posts.get(id)).map(e -> e.post);
  }

  /** The counters of post {@code id}, if it exists. */
  public Optional<PostStats> stats(long id) {
    Entry e = posts.get(id);
    if (e == null) {
      return Optional.empty();
    }
    synchronized (e) {
      return Optional.of(e.snapshot());
    }
  }

  /** Counts one view of post {@code id}; returns the new counters, empty if there is no such post. */
  public Optional<PostStats> view(long id) {
    Entry e = posts.get(id);
    if (e == null) {
      return Optional.empty();
    }
    synchronized (e) {
      e.views++;
      return Optional.of(changed(e, StatsView.VIEWS));
    }
  }

  /** Counts one {@code reaction} on post {@code id}; returns the new counters, if the post exists. */
  public Optional<PostStats> react(long id, Reaction reaction) {
    Objects.requireNonNull(reaction, "reaction");
    Entry e = posts.get(id);
    if (e == null) {
      return Optional.empty();
    }
    synchronized (e) {
      e.reactions.merge(reaction, 1L, Long::sum);
      return Optional.of(changed(e, reaction.id()));
    }
  }

  private PostStats changed(Entry e, String counter) {
    PostStats s = e.snapshot();
    try {
      onChange.accept(s, counter);
    } catch (RuntimeException ex) {
      log.warn("change listener failed for post {}", s.postId(), ex);
    }
    return s;
  }

  /** One post and its counters, guarded by the entry's monitor. */
  private static final class Entry {
    final Post post;
    long views;
    final EnumMap<Reaction, Long> reactions = new EnumMap<>(Reaction.class);

    Entry(Post post) {
      this.post = post;
    }

    PostStats snapshot() {
      return new PostStats(post.id(), views, Collections.unmodifiableMap(new EnumMap<>(reactions)));
    }
  }
}
