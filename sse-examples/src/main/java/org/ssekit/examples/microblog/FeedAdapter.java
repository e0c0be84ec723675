package org.ssekit.examples.microblog;

import java.util.ArrayList;
import java.util.List;
import org.ssekit.Event;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.examples.Templates;

/**
 * The adapter of {@code /posts/stats}, the feed's one stream: the counters of every post. Each
 * event is named {@code stats-<post id>} ({@link MicroblogApp#feedEvent}), so that the card of that
 * post, {@code sse-swap="stats-<id>"}, swaps it and the others ignore it; the page holds a single
 * connection however many posts it shows (browsers allow six per host over HTTP/1.1). A stream
 * starts with the current counters of every post, so that a reconnected feed is current again
 * without replaying history; a plain GET returns the same fragments as HTML. Stateless and
 * thread-safe.
 */
final class FeedAdapter implements StreamAdapter {

  private final Microblog blog;
  private final Templates templates;

  FeedAdapter(Microblog blog, Templates templates) {
    this.blog = blog;
    this.templates = templates;
  }

  @Override
  public InitialResponse initial(StreamRequest request) {
    List<Event> events = new ArrayList<>();
    StringBuilder html = new StringBuilder();
    for (MicroblogApp.Card card : cards(blog)) {
      String fragment = templates.render("microblog/stats.jte", card.stats());
      events.add(Event.of(card.event(), fragment));
      html.append(fragment);
    }
    return InitialResponse.accept(events, Templates.HTML, html.toString());
  }

  /** Every post of {@code blog} with its counters now, in the blog's order. */
  static List<MicroblogApp.Card> cards(Microblog blog) {
    List<MicroblogApp.Card> cards = new ArrayList<>();
    for (Post p : blog.posts()) {
      blog.stats(p.id()).ifPresent(s -> cards.add(new MicroblogApp.Card(p, StatsView.of(s))));
    }
    return cards;
  }
}
