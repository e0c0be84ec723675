package org.ssekit.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.ssekit.Event;
import org.ssekit.EventSink;
import org.ssekit.StreamConnection;

/**
 * A transport for tests: drains its connection on the waking thread, one drain at a time, and
 * records every event in poll order. Thread-safe.
 */
public final class RecordingSink implements EventSink {

  private final List<Event> events = new ArrayList<>();
  private @Nullable StreamConnection connection;
  private volatile boolean closed;

  /** Attaches the connection returned by {@code Hub.open} and drains what is already queued. */
  public synchronized void attach(StreamConnection connection) {
    this.connection = connection;
    drain();
  }

  @Override
  public synchronized void wake() {
    drain();
  }

  @Override
  public synchronized void closed() {
    drain();
    closed = true;
  }

  private void drain() {
    StreamConnection c = connection;
    if (c == null) {
      return; // attach() drains once the connection is known
    }
    Event e;
    while ((e = c.poll()) != null) {
      events.add(e);
    }
  }

  /** Whether the hub closed the stream. */
  public boolean isClosed() {
    return closed;
  }

  /** A snapshot of the events received so far, heartbeats and comments included. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The data of the received events that carry data, in order. */
  public synchronized List<String> data() {
    return events.stream().map(Event::data).flatMap(Optional::stream).collect(Collectors.toList());
  }

  /** The ids of the received events that carry an id, in order. */
  public synchronized List<String> ids() {
    return events.stream().map(Event::id).flatMap(Optional::stream).collect(Collectors.toList());
  }
}
