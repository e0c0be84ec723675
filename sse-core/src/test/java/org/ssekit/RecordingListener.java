package org.ssekit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test {@link HubListener} that records every callback as a line of text, in order. */
public final class RecordingListener implements HubListener {

  private final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public void connected(EventStream stream) {
    calls.add("connected " + stream.id());
  }

  @Override
  public void closed(EventStream stream, CloseReason reason) {
    calls.add("closed " + stream.id() + " " + reason);
  }

  @Override
  public void dropped(EventStream stream, Event event) {
    calls.add("dropped " + stream.id() + " " + event.data().orElse(""));
  }

  @Override
  public void pushFailed(String target, Event event) {
    calls.add("pushFailed " + target + " " + event.data().orElse(""));
  }

  /** Every call so far. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** The calls starting with {@code prefix}. */
  public List<String> calls(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }
}
