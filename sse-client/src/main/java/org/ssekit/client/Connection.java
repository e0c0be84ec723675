package org.ssekit.client;

import java.nio.ByteBuffer;
import java.net.http.HttpResponse;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One connection attempt of an {@link SseClient}: the body handler that checks the response, the
 * body subscriber that feeds a fresh {@link SseParser}, and the read-timeout watchdog. It ends
 * exactly once ({@link #end()}); after that nothing it receives reaches the client's listeners.
 *
 * <p>Body signals arrive on HttpClient threads; parsing and dispatch run inside the client's
 * {@link SerialRunner}. The next buffer is requested only after the previous one was dispatched,
 * and not at all while an {@link EventIterator} is full.
 */
final class Connection implements HttpResponse.BodySubscriber<Void>, SseParser.Listener {

  private final SseClient client;
  private final SseParser parser;
  private final long readTimeoutNanos;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicBoolean paused = new AtomicBoolean();

  private volatile Flow.@Nullable Subscription subscription;
  private volatile @Nullable CompletableFuture<?> exchange;
  private volatile @Nullable ScheduledFuture<?> watchdog;
  private volatile long lastReadNanos;
  private volatile boolean processing;
  /** When the response was accepted (client clock), or -1 while not open. */
  volatile long openedAtNanos = -1;

  Connection(SseClient client, String lastEventId, int maxLineLength, long readTimeoutNanos) {
    this.client = client;
    this.parser = SseParser.create(this, maxLineLength);
    this.parser.lastEventId(lastEventId);
    this.readTimeoutNanos = readTimeoutNanos;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  boolean isEnded() {
    return ended.get();
  }

  /**
   * Ends this attempt and frees its connection: cancels the exchange, the body subscription and the
   * watchdog. Returns {@code false} if it had already ended.
   */
  boolean end() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    CompletableFuture<?> f = exchange;
    if (f != null) {
      f.cancel(true);
    }
    ScheduledFuture<?> w = watchdog;
    if (w != null) {
      w.cancel(false);
    }
    return true;
  }

  void exchange(CompletableFuture<?> f) {
    exchange = f;
    if (ended.get()) {
      f.cancel(true);
    }
  }

  // ---- response --------------------------------------------------------------------------------

  /** The {@link HttpResponse.BodyHandler}: accepts the stream or reports why not. */
  HttpResponse.BodySubscriber<Void> onResponse(HttpResponse.ResponseInfo info) {
    if (ended.get()) {
      return new Discard();
    }
    int status = info.statusCode();
    if (status == 204 || status < 200 || status > 299) {
      long retryAfter =
          status == 503 || status == 429
              ? retryAfterMillis(info.headers().firstValue("Retry-After").orElse(""), System.currentTimeMillis())
              : -1;
      client.failed(this, SseException.status(status, retryAfter));
      return new Discard();
    }
    String contentType = info.headers().firstValue("Content-Type").orElse("");
    if (!isEventStream(contentType)) {
      client.failed(this, SseException.contentType(status, contentType));
      return new Discard();
    }
    if (!client.opened(this, info)) {
      end();
      return new Discard();
    }
    return this;
  }

  /**
   * A {@code Retry-After} value in milliseconds: delta-seconds, or an HTTP date relative to {@code
   * nowMillis}; -1 when absent, malformed or in the past.
   */
  static long retryAfterMillis(String value, long nowMillis) {
    String v = value.trim();
    if (v.isEmpty()) {
      return -1;
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return Long.MAX_VALUE / 2; // absurdly long; the cap applies
      }
      return Long.parseLong(v) * 1000;
    }
    try {
      long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return at > nowMillis ? at - nowMillis : -1;
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  static boolean isEventStream(String contentType) {
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.toLowerCase(Locale.ROOT).equals("text/event-stream");
  }

  // ---- body ------------------------------------------------------------------------------------

  @Override
  public CompletionStage<Void> getBody() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (ended.get()) {
      s.cancel();
      return;
    }
    lastReadNanos = client.nanoTime();
    if (readTimeoutNanos > 0) {
      scheduleWatchdog(readTimeoutNanos);
    }
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    processing = true;
    lastReadNanos = client.nanoTime();
    client.serial().execute(() -> process(buffers));
  }

  private void process(List<ByteBuffer> buffers) {
    try {
      if (ended.get()) {
        return;
      }
      for (ByteBuffer b : buffers) {
        parser.feed(b);
        client.lastEventIdSeen(this, parser.lastEventId());
        if (ended.get()) {
          return;
        }
      }
    } catch (IllegalStateException e) {
      client.failed(this, SseException.protocol(e.getMessage() == null ? "protocol error" : e.getMessage(), e));
      return;
    } finally {
      lastReadNanos = client.nanoTime();
      processing = false;
    }
    requestMore();
  }

  private void requestMore() {
    if (client.sinksFull()) {
      paused.set(true);
      if (client.sinksFull() || !paused.compareAndSet(true, false)) {
        return;
      }
    }
    request();
  }

  /** Called when an iterator drained or closed: asks for the next buffer if reading was paused. */
  void resume() {
    if (paused.compareAndSet(true, false)) {
      request();
    }
  }

  private void request() {
    Flow.Subscription s = subscription;
    if (s != null && !ended.get()) {
      s.request(1);
    }
  }

  @Override
  public void onError(Throwable t) {
    client.failed(this, SseClient.classify(t));
  }

  @Override
  public void onComplete() {
    client.failed(this, SseException.endOfStream());
  }

  // ---- parser callbacks (inside the serial runner) ---------------------------------------------

  @Override
  public void onEvent(MessageEvent event) {
    if (!ended.get()) {
      client.dispatch(this, event);
    }
  }

  @Override
  public void onComment(String comment) {
    if (!ended.get()) {
      client.dispatchComment(comment);
    }
  }

  @Override
  public void onRetry(long millis) {
    if (!ended.get()) {
      client.retry(millis);
    }
  }

  // ---- read timeout ----------------------------------------------------------------------------

  private void scheduleWatchdog(long delayNanos) {
    if (ended.get()) {
      return;
    }
    try {
      watchdog = client.scheduler().schedule(this::checkReadTimeout, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      client.failed(this, SseException.protocol("the scheduler refused the read-timeout check", e));
      return;
    }
    if (ended.get()) {
      ScheduledFuture<?> w = watchdog;
      if (w != null) {
        w.cancel(false);
      }
    }
  }

  private void checkReadTimeout() {
    if (ended.get()) {
      return;
    }
    if (processing || paused.get()) {
      // Not the server's silence: we are busy or the consumer is slow.
      scheduleWatchdog(readTimeoutNanos);
      return;
    }
    long idle = client.nanoTime() - lastReadNanos;
    if (idle >= readTimeoutNanos) {
      client.failed(
          this,
          SseException.timeout(
              "no data received for " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms (read timeout)",
              null));
    } else {
      scheduleWatchdog(readTimeoutNanos - idle);
    }
  }

  /** Takes an unwanted body: cancels it at once, which closes (HTTP/1.1) or resets (HTTP/2) it. */
  private static final class Discard implements HttpResponse.BodySubscriber<Void> {
    @Override
    public CompletionStage<Void> getBody() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
