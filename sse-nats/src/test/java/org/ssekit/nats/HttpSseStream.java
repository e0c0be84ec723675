package org.ssekit.nats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseParser;

/**
 * One SSE client connection over real HTTP: the JDK HttpClient reads the body on a thread of its
 * own and feeds {@link SseParser}; events are recorded in arrival order. Thread-safe.
 */
final class HttpSseStream implements AutoCloseable {

  private final List<MessageEvent> events = new ArrayList<>();
  private final InputStream body;
  private final SseParser parser;
  private volatile boolean ended;

  private HttpSseStream(InputStream body) {
    this.body = body;
    this.parser = SseParser.create(this::onEvent);
  }

  /** Connects to {@code uri}, sending {@code Last-Event-ID} when given; returns once headers arrived. */
  static HttpSseStream open(HttpClient client, URI uri, @Nullable String lastEventId) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).GET();
    if (lastEventId != null) {
      req.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
    }
    HttpSseStream s = new HttpSseStream(response.body());
    Thread reader = new Thread(s::read, "sse-client " + uri.getPath());
    reader.setDaemon(true);
    reader.start();
    return s;
  }

  private void read() {
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = body.read(buf)) >= 0) {
        synchronized (this) {
          parser.feed(buf, 0, n);
        }
      }
    } catch (IOException e) {
      // closed by close() or by the server
    } finally {
      ended = true;
    }
  }

  private void onEvent(MessageEvent e) {
    events.add(e); // called under this monitor by read()
  }

  /** Whether the response ended. */
  boolean ended() {
    return ended;
  }

  synchronized List<MessageEvent> events() {
    return List.copyOf(events);
  }

  /** The data of the received events whose data starts with {@code prefix}, in order. */
  synchronized List<String> data(String prefix) {
    return events.stream().map(MessageEvent::data).filter(d -> d.startsWith(prefix)).collect(Collectors.toList());
  }

  /** The ids of the received events whose data starts with {@code prefix}, in order. */
  synchronized List<String> ids(String prefix) {
    return events.stream()
        .filter(e -> e.data().startsWith(prefix))
        .map(MessageEvent::lastEventId)
        .collect(Collectors.toList());
  }

  /** The last event id the parser holds (what a browser would send on reconnect). */
  synchronized String lastEventId() {
    return parser.lastEventId();
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
