package org.ssekit.mercure;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.ssekit.Event;
import org.ssekit.broker.Message;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;

/**
 * The adapter of one subscriber connection: lets through the updates one of whose topics matches
 * one of its selectors, and of those marked private only the ones its token may receive (one topic
 * matching a {@code subscribe} grant). Live and replayed updates take the same path, so a resumed
 * stream is filtered exactly like a live one. Every subscriber that receives an update gets the
 * same encoded event.
 *
 * <p>Thread-safe: {@link #next} runs on broker threads, {@link #historyGap} on the opening thread.
 */
final class MercureAdapter implements StreamAdapter {

  private final List<Selector> selectors;
  private final Grants grants;
  private final Function<Message, Event> events;
  private volatile boolean gap;

  MercureAdapter(List<Selector> selectors, Grants grants, Function<Message, Event> events) {
    this.selectors = List.copyOf(selectors);
    this.grants = grants;
    this.events = events;
  }

  @Override
  public @Nullable Event next(StreamRequest request, Message message) {
    List<String> topics = Updates.topics(message);
    if (topics.isEmpty() || !Selector.anyMatches(selectors, topics)) {
      return null;
    }
    if (Updates.isPrivate(message) && !grants.canReceive(topics)) {
      return null;
    }
    return events.apply(message);
  }

  /** Mercure tells a client of a gap with a response header, not an event: remember it. */
  @Override
  public @Nullable Event historyGap(StreamRequest request, String lastEventId) {
    gap = true;
    return null;
  }

  /** Whether the history could not prove it replayed everything after the client's id. */
  boolean sawGap() {
    return gap;
  }

  List<Selector> selectors() {
    return selectors;
  }

  Grants grants() {
    return grants;
  }

  @Override
  public String toString() {
    return "MercureAdapter" + selectors;
  }
}
