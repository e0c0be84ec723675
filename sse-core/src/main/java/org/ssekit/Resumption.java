package org.ssekit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.Message;

/**
 * Resuming a stream after {@code Last-Event-ID}: the state and the logic in one place.
 *
 * <p>A resuming stream is subscribed first, so live messages start arriving while the history is
 * read; they are buffered ({@link #admit}). The history is replayed, then the buffer is drained in
 * rounds: each round takes what was buffered so far under the stream's monitor and delivers it
 * outside it, so the adapter (user code) never runs under a lock and the broker thread, which
 * buffers meanwhile, never waits for it. When a round finds the buffer empty the stream goes live.
 * Messages the client already has (up to its last event id, or already replayed) are skipped: no
 * gap and no duplicate.
 *
 * <p>Threads: {@link #replay} runs on the thread that opens the stream, {@link #admit} on the
 * broker's delivery thread of the topic. Thread-safe.
 */
final class Resumption {

  private static final Logger log = LoggerFactory.getLogger(Resumption.class);

  /** The state of one resuming stream; guarded by the stream's monitor. */
  static final class State {
    /** Live messages that arrived while the history was read; null once it has been replayed. */
    @Nullable List<Message> buffer = new ArrayList<>();
    /**
     * The ids replayed from the history. Live delivery may still be behind the history read, so
     * live messages with these ids are skipped, until the first one that was not replayed.
     */
    Set<String> replayed = Set.of();
  }

  private final DefaultHub hub;
  private final EventLog history;
  private final int replayLimit;

  Resumption(DefaultHub hub, EventLog history, int replayLimit) {
    this.hub = hub;
    this.history = history;
    this.replayLimit = replayLimit;
  }

  /** Starts buffering live messages for {@code s}; call before it joins its topic. */
  static void begin(DefaultEventStream s) {
    s.resume = new State();
  }

  /**
   * Whether a live message may go to a stream that is resuming: buffers it while the history is
   * replayed, then skips the already replayed messages that live delivery still brings.
   */
  static boolean admit(DefaultEventStream s, Message m) {
    synchronized (s) {
      State state = s.resume;
      if (state == null) {
        return true;
      }
      if (state.buffer != null) {
        state.buffer.add(m);
        return false;
      }
      String mid = m.id().orElse(null);
      if (mid != null && state.replayed.contains(mid)) {
        return false;
      }
      s.resume = null; // the first message that was not replayed: live from here on
      return true;
    }
  }

  /** Replays the history after {@code lastId} to {@code s}, then the live messages it buffered. */
  void replay(DefaultEventStream s, String lastId) {
    EventLog.Replay r;
    try {
      r = history.readAfter(s.topic(), lastId, replayLimit);
    } catch (RuntimeException e) {
      log.warn("cannot read history of {} after {}; telling the client it has a gap", s.topic(), lastId, e);
      r = new EventLog.Replay(List.of(), false);
    }
    if (!r.complete()) {
      try {
        Event gap = s.adapter.historyGap(s.request(), lastId);
        if (gap != null) {
          s.enqueueBacklog(gap);
        }
      } catch (RuntimeException e) {
        s.resume = null;
        hub.fail(s, "historyGap", e);
        return;
      }
    }
    Set<String> replayed = new HashSet<>();
    replayed.add(lastId); // the client has it: never deliver it again
    for (Message m : r.messages()) {
      m.id().ifPresent(replayed::add);
      hub.replayed();
      if (!hub.deliverTo(s, m, true)) {
        s.resume = null;
        return;
      }
    }
    drain(s, lastId, replayed);
  }

  private void drain(DefaultEventStream s, String lastId, Set<String> replayed) {
    boolean first = true;
    boolean skipping = true;
    while (true) {
      List<Message> round;
      synchronized (s) {
        State state = Objects.requireNonNull(s.resume);
        round = Objects.requireNonNull(state.buffer);
        if (round.isEmpty()) {
          state.buffer = null;
          if (skipping) {
            state.replayed = replayed; // live delivery may still bring replayed ids: skip them
          } else {
            s.resume = null;
          }
          return;
        }
        state.buffer = new ArrayList<>();
      }
      int from = 0;
      if (first) {
        // The first round follows history order. It may start with messages the client already
        // has: up to its last event id when live delivery lags behind the client (a message in
        // flight while the stream joined, or another instance ahead of this one).
        for (int i = round.size() - 1; i >= 0; i--) {
          if (lastId.equals(round.get(i).id().orElse(null))) {
            from = i + 1;
            break;
          }
        }
        first = false;
      }
      for (Message m : round.subList(from, round.size())) {
        if (skipping) {
          String mid = m.id().orElse(null);
          if (mid != null && replayed.contains(mid)) {
            continue; // already replayed: no duplicate
          }
          skipping = false;
        }
        if (!hub.deliverTo(s, m, true)) {
          s.resume = null;
          return;
        }
      }
    }
  }
}
