package org.ssekit;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's {@link HubListener}s, called in registration order through one guarded loop: a
 * listener that throws is logged and skipped, it never reaches the hub's machinery or the other
 * listeners. Immutable and thread-safe; each call runs on the thread that caused the event.
 */
final class Listeners {

  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final List<HubListener> listeners;

  Listeners(List<HubListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void connected(EventStream s) {
    if (!listeners.isEmpty()) {
      each("connected", l -> l.connected(s));
    }
  }

  void closed(EventStream s, CloseReason reason) {
    if (!listeners.isEmpty()) {
      each("closed", l -> l.closed(s, reason));
    }
  }

  void dropped(EventStream s, Event e) {
    if (!listeners.isEmpty()) {
      each("dropped", l -> l.dropped(s, e));
    }
  }

  void pushFailed(String target, Event e) {
    if (!listeners.isEmpty()) {
      each("pushFailed", l -> l.pushFailed(target, e));
    }
  }

  private void each(String callback, Consumer<HubListener> call) {
    for (HubListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("hub listener {} failed on {}", l, callback, e);
      }
    }
  }
}
