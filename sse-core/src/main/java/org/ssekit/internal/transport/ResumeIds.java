package org.ssekit.internal.transport;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The id a stream request resumes from: the {@code Last-Event-ID} header, else the {@code
 * lastEventId} query parameter; empty counts as none, and so does an id {@link
 * HttpRules#lastEventIdProblem} refuses (too long, or holding NUL, CR or LF), which is logged: the
 * first one at WARN, the rest at DEBUG. One per transport instance. Internal, like the rest of this
 * package. Thread-safe.
 */
public final class ResumeIds {

  private final int maxLength;
  private final Logger log;
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * @param maxLength the longest id accepted, in UTF-16 code units (at least 1)
   * @param log where refused ids are reported (the transport's own logger)
   */
  public ResumeIds(int maxLength, Logger log) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
    }
    this.maxLength = maxLength;
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * The id to resume from, or null for none.
   *
   * @param header the {@code Last-Event-ID} header's value, or null without one
   * @param query the request's query as name/value pairs ({@link QueryString#parse})
   * @param client who sent it, for the log line
   */
  public @Nullable String resolve(@Nullable String header, List<String> query, Object client) {
    String v = header;
    if (v == null || v.isEmpty()) {
      v = null;
      for (int i = 0; i < query.size(); i += 2) {
        if (query.get(i).equals("lastEventId")) {
          v = query.get(i + 1);
          break;
        }
      }
    }
    if (v == null || v.isEmpty()) {
      return null;
    }
    String problem = HttpRules.lastEventIdProblem(v, maxLength);
    if (problem == null) {
      return v;
    }
    if (warned.compareAndSet(false, true)) {
      log.warn("ignoring a last event id {} from {} (treated as none; further ones are logged at DEBUG)",
          problem, client);
    } else {
      log.debug("ignoring a last event id {} from {}", problem, client);
    }
    return null;
  }
}
