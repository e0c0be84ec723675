package org.ssekit.client;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic, in-memory transport for unit tests: {@link #sendAsync} records the exchange and
 * the test plays the server, synchronously, on its own thread (response, body chunks honouring the
 * subscriber's demand, errors, end of stream). Real sockets are exercised by the {@code *IT} tests.
 */
final class FakeHttpClient extends HttpClient {

  private final BlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
  private final List<Exchange> all = new ArrayList<>();

  /** The next request the client sent; fails if there is none. */
  Exchange next() {
    Exchange e = exchanges.poll();
    if (e == null) {
      throw new AssertionError("the client sent no request");
    }
    return e;
  }

  /** Whether the client sent a request not yet taken with {@link #next()}. */
  boolean hasPending() {
    return !exchanges.isEmpty();
  }

  synchronized int requestCount() {
    return all.size();
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    Exchange e = new Exchange(request, handler);
    synchronized (this) {
      all.add(e);
    }
    exchanges.add(e);
    @SuppressWarnings("unchecked")
    CompletableFuture<HttpResponse<T>> f = (CompletableFuture<HttpResponse<T>>) (CompletableFuture<?>) e.future;
    return f;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.@Nullable PushPromiseHandler<T> push) {
    return sendAsync(request, handler);
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    throw new UnsupportedOperationException("the SSE client must not block");
  }

  /** One request/response, driven by the test. */
  static final class Exchange implements Flow.Subscription {
    final HttpRequest request;
    private final HttpResponse.BodyHandler<?> handler;
    final CompletableFuture<HttpResponse<?>> future = new CompletableFuture<>();
    private HttpResponse.@Nullable BodySubscriber<?> subscriber;
    private final Deque<ByteBuffer> pending = new ArrayDeque<>();
    private long demand;
    private boolean cancelled;
    private boolean completePending;

    Exchange(HttpRequest request, HttpResponse.BodyHandler<?> handler) {
      this.request = request;
      this.handler = handler;
    }

    String header(String name) {
      return request.headers().firstValue(name).orElse("");
    }

    Optional<String> lastEventId() {
      return request.headers().firstValue("Last-Event-ID");
    }

    /** Answers 200 text/event-stream. */
    Exchange open() {
      return respond(200, "text/event-stream; charset=utf-8");
    }

    Exchange respond(int status, String contentType) {
      return respond(status, contentType.isEmpty() ? Map.of() : Map.of("Content-Type", List.of(contentType)));
    }

    Exchange respond(int status, Map<String, List<String>> h) {
      HttpHeaders headers = HttpHeaders.of(h, (a, b) -> true);
      HttpResponse.ResponseInfo info =
          new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
              return status;
            }

            @Override
            public HttpHeaders headers() {
              return headers;
            }

            @Override
            public HttpClient.Version version() {
              return HttpClient.Version.HTTP_1_1;
            }
          };
      subscriber = handler.apply(info);
      subscriber.onSubscribe(this);
      future.complete(null);
      return this;
    }

    /** Fails before a response (connection refused, timeout...). */
    void failConnect(Throwable t) {
      future.completeExceptionally(t);
    }

    /** Sends body bytes (delivered as demand allows). */
    Exchange send(String chunk) {
      return send(chunk.getBytes(StandardCharsets.UTF_8));
    }

    Exchange send(byte[] chunk) {
      pending.add(ByteBuffer.wrap(chunk));
      drain();
      return this;
    }

    /** Ends the body normally (EOF). */
    void end() {
      completePending = true;
      drain();
    }

    /** Breaks the body with an I/O error. */
    void fail(Throwable t) {
      if (!cancelled) {
        sub().onError(t);
      }
    }

    boolean cancelled() {
      return cancelled || future.isCancelled();
    }

    int undelivered() {
      return pending.size();
    }

    @SuppressWarnings("unchecked")
    private Flow.Subscriber<List<ByteBuffer>> sub() {
      if (subscriber == null) {
        throw new AssertionError("no response yet");
      }
      return (Flow.Subscriber<List<ByteBuffer>>) subscriber;
    }

    private boolean draining;

    private void drain() {
      if (draining) {
        return;
      }
      draining = true;
      try {
        while (!cancelled && demand > 0 && !pending.isEmpty()) {
          demand--;
          sub().onNext(List.of(pending.poll()));
        }
        if (!cancelled && completePending && pending.isEmpty()) {
          completePending = false;
          sub().onComplete();
        }
      } finally {
        draining = false;
      }
    }

    @Override
    public void request(long n) {
      demand += n;
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  // ---- the rest of HttpClient -------------------------------------------------------------------

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return Optional.empty();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return Optional.empty();
  }

  @Override
  public Redirect followRedirects() {
    return Redirect.NEVER;
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return Optional.empty();
  }

  @Override
  public SSLContext sslContext() {
    throw new UnsupportedOperationException();
  }

  @Override
  public SSLParameters sslParameters() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return Optional.empty();
  }

  @Override
  public Version version() {
    return Version.HTTP_1_1;
  }

  @Override
  public Optional<Executor> executor() {
    return Optional.empty();
  }

}
