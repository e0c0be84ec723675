package org.ssekit.examples.microblog;

import java.util.List;
import java.util.Optional;
import org.ssekit.Event;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.examples.Http;
import org.ssekit.examples.Templates;

/**
 * The adapter of {@code /posts/{id}/stats}: one URL for a plain GET (the stats fragment as HTML)
 * and for the SSE stream (the fragment as the first {@code stats} event, then one per change).
 * The routing key of a stream is its post id, so a change of one post reaches only its viewers.
 * Updates are rendered once at publish time and pass through unchanged, so every viewer gets the
 * same encoded bytes. Stateless and thread-safe.
 */
final class StatsAdapter implements StreamAdapter {

  /** The event type the page swaps in ({@code sse-swap="stats"}). */
  static final String EVENT = "stats";

  private final Microblog blog;
  private final Templates templates;

  StatsAdapter(Microblog blog, Templates templates) {
    this.blog = blog;
    this.templates = templates;
  }

  @Override
  public InitialResponse initial(StreamRequest request) {
    Optional<Long> id = postId(request);
    if (id.isEmpty()) {
      return InitialResponse.reject(400, "the post id must be a number");
    }
    Optional<PostStats> stats = blog.stats(id.get());
    if (stats.isEmpty()) {
      return InitialResponse.reject(404, "no post " + id.get());
    }
    String html = templates.render("microblog/stats.jte", StatsView.of(stats.get()));
    return InitialResponse.accept(List.of(Event.of(EVENT, html)), Templates.HTML, html);
  }

  @Override
  public Optional<String> routingKey(StreamRequest request) {
    return postId(request).map(String::valueOf);
  }

  static Optional<Long> postId(StreamRequest request) {
    return Http.pathParam(request, "id", "posts").flatMap(MicroblogApp::parseId);
  }
}
