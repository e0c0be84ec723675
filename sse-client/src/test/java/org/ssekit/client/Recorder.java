package org.ssekit.client;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every callback of a client, in order, as short strings. */
final class Recorder implements ConnectionListener {
  final List<String> log = new CopyOnWriteArrayList<>();
  final List<SseException> errors = new CopyOnWriteArrayList<>();

  SseClient.Builder attach(SseClient.Builder b) {
    return b.listener(this).onAnyEvent(this::event).onComment(c -> log.add("comment:" + c));
  }

  void event(MessageEvent e) {
    log.add("event:" + e.type() + ":" + e.data() + ":" + e.lastEventId());
  }

  List<String> events() {
    return log.stream().filter(s -> s.startsWith("event:")).toList();
  }

  @Override
  public void onOpen(HttpResponse.ResponseInfo response) {
    log.add("open:" + response.statusCode());
  }

  @Override
  public void onError(SseException error) {
    errors.add(error);
    log.add("error:" + error.kind() + error.status().stream().mapToObj(s -> ":" + s).findFirst().orElse(""));
  }

  @Override
  public void onReconnecting(Duration delay) {
    log.add("reconnecting:" + delay.toMillis());
  }

  @Override
  public void onClosed() {
    log.add("closed");
  }
}
