package org.ssekit.internal.broker;

/**
 * One subscription's position in a topic's log, and the decision every broker whose live channel
 * can lose messages (NATS core subjects, PostgreSQL {@code NOTIFY}) makes for each live message:
 * drop it (already delivered), deliver it (it directly follows the position), or catch up (read
 * the log after the position first, because something came in between or the message was not
 * complete).
 *
 * <p>Positions are the log's numbers (a JetStream sequence, a row id): increasing in log order
 * within a topic, 0 before the first message. Not thread-safe: each subscription's cursor is used
 * by one delivery thread at a time.
 *
 * <p>Gaps: a catch-up read cannot bring back what the log trimmed. Logs trim a topic oldest first,
 * so while the message at the position is still retained nothing after it can have been trimmed;
 * when it is gone and newer messages follow, messages between may have been lost, and {@link
 * #isGap} says so (it may say so when only the position itself aged out: a conservative answer,
 * which makes a client reload rather than miss something).
 *
 * <p>Internal: not API (see the package description).
 */
public final class LogCursor {

  /** What to do with a live message. */
  public enum Step {
    /** At or before the position: delivered already. */
    SKIP,
    /** Directly after the position: deliver it and {@link #advance} to it. */
    DELIVER,
    /** Something may lie between: read the log after the position first. */
    CATCH_UP
  }

  private long position;

  /** A cursor at {@code position} (0: before the topic's first message). */
  public LogCursor(long position) {
    this.position = position;
  }

  /** The number of the last message delivered (or the start). */
  public long position() {
    return position;
  }

  /**
   * The step for a live message numbered {@code number} whose predecessor in the topic is {@code
   * previous} (0 if it is the first; negative if unknown).
   *
   * @param complete whether the live message carries everything needed to deliver it (false: a
   *     notification that only names it, so the log must be read anyway)
   */
  public Step live(long number, long previous, boolean complete) {
    if (number <= position) {
      return Step.SKIP;
    }
    return complete && previous == position ? Step.DELIVER : Step.CATCH_UP;
  }

  /**
   * Moves the position to {@code number} if it is after it.
   *
   * @return false if {@code number} is at or before the position (a duplicate: do not deliver)
   */
  public boolean advance(long number) {
    if (number <= position) {
      return false;
    }
    position = number;
    return true;
  }

  /**
   * Whether a catch-up read that found newer messages crossed a gap.
   *
   * @param positionRetained whether the log still holds the message at the position
   * @param foundNewer whether the read found messages after the position
   */
  public boolean isGap(boolean positionRetained, boolean foundNewer) {
    return position > 0 && foundNewer && !positionRetained;
  }

  @Override
  public String toString() {
    return "LogCursor@" + position;
  }
}
