package org.ssekit.examples.microblog;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.Event;
import org.ssekit.EventStream;
import org.ssekit.Hub;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber.Subscription;
import org.ssekit.examples.Http;
import org.ssekit.examples.Templates;
import org.ssekit.servlet.SseRouter;

/**
 * The live microblog, after the "live website updates with Go, SSE and htmx" article.
 *
 * <ul>
 *   <li>{@code GET /posts} is the live feed: every post as a card with its views and reactions,
 *       kept current over one stream, {@code GET /posts/stats} ({@link FeedAdapter}); {@code GET
 *       /posts/{id}} shows one post and counts a view.
 *   <li>{@code POST /posts/{id}/reactions/{reaction}} counts a reaction (the page posts it with
 *       htmx and swaps nothing: the new count arrives over the stream like everyone else's).
 *   <li>{@code GET /posts/{id}/stats} is the stats fragment for a plain GET and the SSE stream of
 *       it for an EventSource (see {@link StatsAdapter}).
 * </ul>
 *
 * <p><b>One instance</b> ({@link #create}): every change renders the stats fragment once, with
 * the changed counter marked for the highlight animation, and publishes it to topic {@value
 * #TOPIC} with the post id as routing key.
 *
 * <p><b>Several instances on one broker</b> ({@link #shared}): counting goes through the broker so
 * that every instance shows the same counts and each view is counted once.
 *
 * <ol>
 *   <li>Opening a post publishes a message (the post id) to the work topic {@value #VIEWS_TOPIC}.
 *   <li>The "count a view" handler is subscribed with {@link
 *       org.ssekit.broker.Subscriber#subscribeGroup subscribeGroup}({@value #VIEWS_TOPIC}, {@value
 *       #COUNTER_GROUP}): each view message is handled by one instance only (the broker's consumer
 *       group), which publishes one count message ({@code "<post id> views"}) to {@value
 *       #COUNTS_TOPIC}. A reaction publishes its count message ({@code "<post id> <reaction>"})
 *       directly.
 *   <li>Every instance has its own plain subscription to {@value #COUNTS_TOPIC} and applies each
 *       count message to its copy of the counters, then renders the fragment and queues it on its
 *       own viewers of that post ({@link Hub#streams()}, {@link EventStream#send}).
 * </ol>
 *
 * <p>Trade-off (chosen for a demo without a database): the counts live in each instance's memory
 * and are the fold of the count messages in the broker's log order, so all instances show the same
 * totals after the same messages and no concurrent update is lost. An instance started later
 * counts only from its start (it does not rebuild older counts), and the live stats events carry
 * no event id (a reconnecting viewer gets the current fragment as its first event instead). A real
 * application would let the group handler update a shared database ({@code views = views + 1})
 * and publish the totals it returns. Delivery to a group is at least once on the distributed
 * brokers: a view whose handler died before acknowledging is counted again by another instance.
 */
public final class MicroblogApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MicroblogApp.class);

  /** The hub topic of stats updates. */
  public static final String TOPIC = "microblog";

  /**
   * The hub topic of the feed: every change of every post, as an event named {@code stats-<post
   * id>} (see {@link #feedEvent}), so that each card of the list swaps only its own counters.
   */
  public static final String FEED_TOPIC = "microblog-feed";

  /** The work topic a view is published to when the app is {@link #shared}. */
  public static final String VIEWS_TOPIC = "post-views";

  /** The consumer group of the "count a view" handlers of all instances. */
  public static final String COUNTER_GROUP = "view-counter";

  /** The topic of count messages every {@link #shared} instance applies. */
  public static final String COUNTS_TOPIC = "microblog-counts";

  private final Hub hub;
  private final Templates templates;
  private final Microblog blog;
  private final boolean shared;
  private volatile @Nullable Subscription counts;
  private volatile @Nullable Subscription counter;

  private MicroblogApp(Hub hub, Templates templates, List<Post> posts, boolean shared) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.templates = Objects.requireNonNull(templates, "templates");
    this.shared = shared;
    this.blog = Microblog.of(posts, shared ? this::sendToViewers : this::publish);
  }

  /** The app on {@code hub} with the sample posts, counting in this instance's memory. */
  public static MicroblogApp create(Hub hub, Templates templates) {
    return new MicroblogApp(hub, templates, Microblog.samplePosts(), false);
  }

  /**
   * The app on {@code hub} with the sample posts, counting through the hub's broker so that every
   * instance on that broker shows the same counts (see the class javadoc). Subscribes before it
   * returns (blocking on the broker's round trips); {@link #close} unsubscribes.
   *
   * @throws UnsupportedOperationException if the broker has no consumer groups
   */
  public static MicroblogApp shared(Hub hub, Templates templates) {
    MicroblogApp app = new MicroblogApp(hub, templates, Microblog.samplePosts(), true);
    app.counts = hub.broker().subscribe(COUNTS_TOPIC, app::applyCount);
    try {
      app.counter = hub.broker().subscribeGroup(VIEWS_TOPIC, COUNTER_GROUP, app::countView);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    return app;
  }

  /** Unsubscribes a {@link #shared} app from the broker; idempotent, nothing to do otherwise. */
  @Override
  public void close() {
    Subscription c = counter;
    if (c != null) {
      c.close();
    }
    Subscription s = counts;
    if (s != null) {
      s.close();
    }
  }

  /** The posts and counters. */
  public Microblog blog() {
    return blog;
  }

  /** Mounts the app's servlet at {@code /posts/*}. */
  public void mount(ServletContextHandler context, SseRouter router) {
    ServletHolder holder =
        new ServletHolder(
            "microblog",
            new PostsServlet(
                router.handler("/posts/{id}/stats", TOPIC, new StatsAdapter(blog, templates)),
                router.handler("/posts/stats", FEED_TOPIC, new FeedAdapter(blog, templates))));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/posts");
    context.addServlet(holder, "/posts/*");
  }

  /** The event name of post {@code id}'s counters in the feed. */
  static String feedEvent(long id) {
    return "stats-" + id;
  }

  private void publish(PostStats stats, String changed) {
    String html = templates.render("microblog/stats.jte", new StatsView(stats, changed));
    hub.publish(TOPIC, String.valueOf(stats.postId()), Event.of(StatsAdapter.EVENT, html));
    hub.publish(FEED_TOPIC, Event.of(feedEvent(stats.postId()), html));
  }

  /**
   * Counts a view of existing post {@code id} and returns the counters to render: locally the view
   * is counted already; shared, it is published to the work topic and its count arrives over the
   * stats stream.
   */
  PostStats view(long id) {
    if (!shared) {
      return blog.view(id).orElseThrow();
    }
    publishQuietly(VIEWS_TOPIC, Message.of(String.valueOf(id)));
    return blog.stats(id).orElseThrow();
  }

  /** Counts a reaction: locally, or as a count message every shared instance applies. */
  void react(long id, Reaction reaction) {
    if (shared) {
      publishQuietly(COUNTS_TOPIC, Message.of(id + " " + reaction.id()));
    } else {
      blog.react(id, reaction);
    }
  }

  private void publishQuietly(String topic, Message message) {
    hub.broker()
        .publish(topic, message)
        .whenComplete(
            (m, e) -> {
              if (e != null) {
                log.warn("publishing to {} failed: {}", topic, e.toString());
              }
            });
  }

  /** The "count a view" handler: runs on one instance per view (consumer group). */
  private void countView(String topic, Message message) {
    Optional<Long> id = parseId(message.payloadAsString());
    if (id.isEmpty() || blog.post(id.get()).isEmpty()) {
      log.warn("ignoring a view of an unknown post: {}", message);
      return;
    }
    publishQuietly(COUNTS_TOPIC, Message.of(id.get() + " " + StatsView.VIEWS));
  }

  /** Applies one count message to this instance's counters (every instance gets every one). */
  private void applyCount(String topic, Message message) {
    String[] parts = message.payloadAsString().split(" ", 2);
    Optional<Long> id = parts.length == 2 ? parseId(parts[0]) : Optional.empty();
    if (id.isEmpty()) {
      log.warn("ignoring a malformed count message: {}", message);
      return;
    }
    if (parts[1].equals(StatsView.VIEWS)) {
      blog.view(id.get());
    } else {
      Reaction.parse(parts[1]).ifPresentOrElse(
          r -> blog.react(id.get(), r), () -> log.warn("ignoring an unknown reaction: {}", message));
    }
  }

  /** Queues the changed fragment on this instance's viewers of the post and of the feed (shared mode). */
  private void sendToViewers(PostStats stats, String changed) {
    String html = templates.render("microblog/stats.jte", new StatsView(stats, changed));
    Event event = Event.of(StatsAdapter.EVENT, html);
    Event card = Event.of(feedEvent(stats.postId()), html);
    Optional<Long> post = Optional.of(stats.postId());
    for (EventStream s : hub.streams()) {
      if (s.topic().equals(TOPIC) && StatsAdapter.postId(s.request()).equals(post)) {
        s.send(event);
      } else if (s.topic().equals(FEED_TOPIC)) {
        s.send(card);
      }
    }
  }

  static Optional<Long> parseId(String s) {
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(s));
  }

  /** Routes {@code /posts/...}: pages and reactions here, the stats streams to the stream servlets. */
  private final class PostsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HttpServlet stats;
    private final transient HttpServlet feed;

    PostsServlet(HttpServlet stats, HttpServlet feed) {
      this.stats = stats;
      this.feed = feed;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
      super.init(config);
      stats.init(config);
      feed.init(config);
    }

    @Override
    public void destroy() {
      feed.destroy();
      stats.destroy();
      super.destroy();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
      String[] parts = Http.subPath(req).split("/");
      // parts[0] is "" (the path starts with a slash); parts[1] the id (or "stats"), parts[2] the action
      if (parts.length == 3 && parts[2].equals("stats")) {
        stats.service(req, resp);
        return;
      }
      if (parts.length == 2 && parts[1].equals("stats")) {
        feed.service(req, resp);
        return;
      }
      super.service(req, resp);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String[] parts = Http.subPath(req).split("/");
      if (parts.length == 1) {
        templates.write(resp, "microblog/list.jte", PostList.of(blog));
        return;
      }
      Optional<Post> post = parts.length == 2 ? parseId(parts[1]).flatMap(blog::post) : Optional.empty();
      if (post.isEmpty()) {
        Http.error(resp, 404, "no such post");
        return;
      }
      PostStats stats = view(post.get().id());
      templates.write(resp, "microblog/post.jte", new PostPage(post.get(), StatsView.of(stats)));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      // a reaction has no body: none is read, so a slow one holds no thread
      if (!Http.sameOrigin(req)) {
        Http.error(resp, 403, "cross-site posts are refused");
        return;
      }
      String[] parts = Http.subPath(req).split("/");
      if (parts.length != 4 || !parts[2].equals("reactions")) {
        Http.error(resp, 404, "POST /posts/{id}/reactions/{reaction}");
        return;
      }
      Optional<Long> id = parseId(parts[1]);
      Optional<Reaction> reaction = Reaction.parse(parts[3]);
      if (reaction.isEmpty()) {
        Http.error(resp, 400, "unknown reaction: " + parts[3]);
        return;
      }
      Optional<Post> post = id.flatMap(blog::post);
      if (post.isEmpty()) {
        Http.error(resp, 404, "no such post");
        return;
      }
      react(post.get().id(), reaction.get());
      resp.setStatus(204);
    }
  }

  /**
   * The model of the feed page.
   *
   * @param cards every post with its counters at render time
   */
  public record PostList(List<Card> cards) {
    /** Copies the list. */
    public PostList {
      cards = List.copyOf(cards);
    }

    /** The feed of {@code blog}'s posts now. */
    static PostList of(Microblog blog) {
      return new PostList(FeedAdapter.cards(blog));
    }
  }

  /**
   * One post of the feed.
   *
   * @param post the post
   * @param stats its counters at render time
   */
  public record Card(Post post, StatsView stats) {
    /** Checks the fields. */
    public Card {
      Objects.requireNonNull(post, "post");
      Objects.requireNonNull(stats, "stats");
    }

    /** The name of the feed event that carries this card's counters. */
    public String event() {
      return feedEvent(post.id());
    }
  }

  /**
   * The model of one post's page.
   *
   * @param post the post
   * @param stats its counters at render time
   */
  public record PostPage(Post post, StatsView stats) {
    /** Checks the fields. */
    public PostPage {
      Objects.requireNonNull(post, "post");
      Objects.requireNonNull(stats, "stats");
    }
  }
}
