package org.ssekit.examples;

import java.util.ArrayList;
import java.util.List;
import org.ssekit.Event;
import org.ssekit.EventSink;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRequest;

/** A hub stream read by a test instead of a socket: {@link #events()} drains what is queued. */
public final class TestStream implements EventSink {

  private final List<Event> received = new ArrayList<>();
  private StreamConnection connection;

  private TestStream() {}

  /** Opens a stream of {@code topic} on {@code hub}. */
  public static TestStream open(Hub hub, String topic, StreamAdapter adapter, StreamRequest request) {
    TestStream s = new TestStream();
    s.connection = hub.open(topic, adapter, request, s);
    return s;
  }

  @Override
  public void wake() {}

  @Override
  public void closed() {}

  /** Everything received so far (drains the queue first). */
  public synchronized List<Event> events() {
    Event e;
    while ((e = connection.poll()) != null) {
      if (e.comment().isEmpty()) {
        received.add(e);
      }
    }
    return List.copyOf(received);
  }

  /** The data of every event of type {@code name} received so far. */
  public List<String> data(String name) {
    List<String> out = new ArrayList<>();
    for (Event e : events()) {
      if (e.name().orElse("message").equals(name)) {
        out.add(e.data().orElse(""));
      }
    }
    return out;
  }
}
