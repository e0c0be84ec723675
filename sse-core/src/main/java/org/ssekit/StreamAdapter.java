package org.ssekit;

import org.ssekit.broker.Message;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The extension point that decides what each stream sees, after Watermill's SSE router.
 *
 * <p>{@link #initial} runs when a client connects, before a byte is written: it validates and
 * authorises the request and either rejects it (a status and body) or accepts it with the first
 * events. {@link #next} runs for every upstream message that reaches the stream and turns it into
 * the event this client should see, or skips it. {@link #routingKey(StreamRequest)} and {@link
 * #routingKey(Message)} let the hub visit only the streams a message is meant for (the viewers of
 * one post, the windows of one user) instead of every stream of the topic.
 *
 * <p>Threads: {@code initial} and {@link #historyGap} run on the thread that opens the stream
 * (a container thread); {@code next} and {@code routingKey(Message)} run on the broker's delivery
 * thread, once per matching stream, and must be fast and non-blocking. Implementations must be
 * thread-safe. An exception from {@code initial} rejects the request with 500; one from {@code
 * next} closes only that stream.
 */
public interface StreamAdapter {

  /** Default event type of the signal sent by {@link #historyGap}. */
  String RESET_EVENT = "ssekit-reset";

  /** Accepts every request with no initial events. */
  default InitialResponse initial(StreamRequest request) {
    return InitialResponse.accept();
  }

  /**
   * The event {@code message} becomes for the stream of {@code request}, or null to skip it.
   * Returns null rather than {@code Optional} because it runs once per delivery; returning the
   * same instance for every stream (the default, {@link Message#toEvent()}) means the message is
   * encoded once for all of them.
   */
  default @Nullable Event next(StreamRequest request, Message message) {
    return message.toEvent();
  }

  /**
   * The key of the messages this stream wants; empty (the default) means every message of the
   * topic.
   */
  default Optional<String> routingKey(StreamRequest request) {
    return Optional.empty();
  }

  /**
   * The key of {@code message}; empty means it goes to every stream of the topic. The default
   * reads metadata {@link Message#KEY}, which {@link Hub#publish(String, String, Event)} sets.
   */
  default Optional<String> routingKey(Message message) {
    return message.key();
  }

  /**
   * The event sent when a client resumes from {@code lastEventId} but the history cannot prove
   * it holds everything after that id (expired, unknown, or more than the replay limit). The
   * default is an event of type {@value #RESET_EVENT} whose data is the id, sent before whatever
   * the history still holds; a page typically reloads its state when it sees it. Null sends
   * nothing.
   */
  default @Nullable Event historyGap(StreamRequest request, String lastEventId) {
    return Event.builder().name(RESET_EVENT).data(lastEventId).build();
  }

  /** An adapter that accepts everyone and passes every message through unchanged. */
  static StreamAdapter passThrough() {
    return PassThrough.INSTANCE;
  }
}

/** The stateless {@link StreamAdapter#passThrough()} adapter. */
final class PassThrough implements StreamAdapter {
  static final PassThrough INSTANCE = new PassThrough();

  private PassThrough() {}
}
