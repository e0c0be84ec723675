package org.ssekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ssekit.client.ConnectionListener;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;
import org.ssekit.client.SseException;

/** One stream read by the project's own client, with what it saw. */
final class Streams implements AutoCloseable {

  final SseClient client;
  final BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
  final BlockingQueue<SseException> errors = new LinkedBlockingQueue<>();
  private final CountDownLatch open = new CountDownLatch(1);

  private Streams(URI uri, String... headers) {
    SseClient.Builder b = SseClient.builder(uri);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    this.client = b
        .onAnyEvent(events::add)
        .reconnectWhen(e -> false)
        .listener(new ConnectionListener() {
          @Override
          public void onOpen(HttpResponse.ResponseInfo response) {
            open.countDown();
          }

          @Override
          public void onError(SseException error) {
            errors.add(error);
          }
        })
        .build();
  }

  /** Opens a stream at {@code uri} (with name/value {@code headers}) and waits until it is open (subscribed on the server). */
  static Streams open(String uri, String... headers) throws InterruptedException {
    Streams s = new Streams(URI.create(uri), headers);
    s.client.start();
    assertThat(s.open.await(10, TimeUnit.SECONDS)).as("stream %s opened", uri).isTrue();
    return s;
  }

  MessageEvent next() throws InterruptedException {
    MessageEvent e = events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an event within 10 s").isNotNull();
    return e;
  }

  SseException nextError(Duration within) throws InterruptedException {
    SseException e = errors.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(e).as("the stream ended within %s", within).isNotNull();
    return e;
  }

  @Override
  public void close() {
    client.close();
  }
}
