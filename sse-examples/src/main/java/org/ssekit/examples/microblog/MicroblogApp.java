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
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.examples.Http;
import org.ssekit.examples.Templates;
import org.ssekit.servlet.SseRouter;

/**
 * The live microblog, after the "live website updates with Go, SSE and htmx" article.
 *
 * <ul>
 *   <li>{@code GET /posts} lists the posts; {@code GET /posts/{id}} shows one and counts a view.
 *   <li>{@code POST /posts/{id}/reactions/{reaction}} counts a reaction (the page posts it with
 *       htmx and swaps nothing: the new count arrives over the stream like everyone else's).
 *   <li>{@code GET /posts/{id}/stats} is the stats fragment for a plain GET and the SSE stream of
 *       it for an EventSource (see {@link StatsAdapter}).
 * </ul>
 *
 * <p>Every change renders the stats fragment once, with the changed counter marked for the
 * highlight animation, and publishes it to topic {@value #TOPIC} with the post id as routing key.
 */
public final class MicroblogApp {

  /** The hub topic of stats updates. */
  public static final String TOPIC = "microblog";

  private final Hub hub;
  private final Templates templates;
  private final Microblog blog;

  private MicroblogApp(Hub hub, Templates templates, List<Post> posts) {
    this.hub = hub;
    this.templates = templates;
    this.blog = Microblog.of(posts, this::publish);
  }

  /** The app on {@code hub} with the sample posts. */
  public static MicroblogApp create(Hub hub, Templates templates) {
    return new MicroblogApp(
        Objects.requireNonNull(hub, "hub"), Objects.requireNonNull(templates, "templates"), Microblog.samplePosts());
  }

  /** The posts and counters. */
  public Microblog blog() {
    return blog;
  }

  /** Mounts the app's servlet at {@code /posts/*}. */
  public void mount(ServletContextHandler context, SseRouter router) {
    ServletHolder holder =
        new ServletHolder("microblog", new PostsServlet(router.handler("/posts/{id}/stats", TOPIC, new StatsAdapter(blog, templates))));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/posts");
    context.addServlet(holder, "/posts/*");
  }

  private void publish(PostStats stats, String changed) {
    String html = templates.render("microblog/stats.jte", new StatsView(stats, changed));
    hub.publish(TOPIC, String.valueOf(stats.postId()), Event.of(StatsAdapter.EVENT, html));
  }

  static Optional<Long> parseId(String s) {
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(s));
  }

  /** Routes {@code /posts/...}: pages and reactions here, the stats stream to the stream servlet. */
  private final class PostsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HttpServlet stats;

    PostsServlet(HttpServlet stats) {
      this.stats = stats;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
      super.init(config);
      stats.init(config);
    }

    @Override
    public void destroy() {
      stats.destroy();
      super.destroy();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
      String[] parts = Http.subPath(req).split("/");
      // parts[0] is "" (the path starts with a slash); parts[1] the id, parts[2] the action
      if (parts.length == 3 && parts[2].equals("stats")) {
        stats.service(req, resp);
        return;
      }
      super.service(req, resp);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String[] parts = Http.subPath(req).split("/");
      if (parts.length == 1) {
        templates.write(resp, "microblog/list.jte", new PostList(blog.posts()));
        return;
      }
      Optional<Post> post = parts.length == 2 ? parseId(parts[1]).flatMap(blog::post) : Optional.empty();
      if (post.isEmpty()) {
        Http.error(resp, 404, "no such post");
        return;
      }
      PostStats stats = blog.view(post.get().id()).orElseThrow();
      templates.write(resp, "microblog/post.jte", new PostPage(post.get(), StatsView.of(stats)));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
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
      Optional<PostStats> stats = id.flatMap(i -> blog.react(i, reaction.get()));
      if (stats.isEmpty()) {
        Http.error(resp, 404, "no such post");
        return;
      }
      resp.setStatus(204);
    }
  }

  /**
   * The model of the post list page.
   *
   * @param posts the posts
   */
  public record PostList(List<Post> posts) {
    /** Copies the list. */
    public PostList {
      posts = List.copyOf(posts);
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
