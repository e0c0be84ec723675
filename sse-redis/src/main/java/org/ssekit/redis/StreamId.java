package org.ssekit.redis;

import org.jspecify.annotations.Nullable;

/**
 * A Redis Stream entry id, {@code <milliseconds>-<sequence>}, ordered as Redis orders entries.
 *
 * @param millis the millisecond part (unsigned in Redis; ids above {@link Long#MAX_VALUE} are not
 *     produced by {@code XADD *} and are rejected by {@link #parse})
 * @param seq the sequence part
 */
record StreamId(long millis, long seq) implements Comparable<StreamId> {

  /** The smallest id; every entry is after it. */
  static final StreamId ZERO = new StreamId(0, 0);

  /** The id in {@code s}, or null when {@code s} is not of the form {@code <digits>-<digits>}. */
  static @Nullable StreamId parse(String s) {
    int dash = s.indexOf('-');
    if (dash <= 0 || dash == s.length() - 1 || dash > 19 || s.length() - dash - 1 > 19) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (i != dash && (c < '0' || c > '9')) {
        return null;
      }
    }
    try {
      return new StreamId(Long.parseLong(s, 0, dash, 10), Long.parseLong(s, dash + 1, s.length(), 10));
    } catch (NumberFormatException e) {
      return null; // out of long range
    }
  }

  /** The id in {@code s}, which Redis produced. */
  static StreamId of(String s) {
    StreamId id = parse(s);
    if (id == null) {
      throw new IllegalArgumentException("not a stream entry id: " + s);
    }
    return id;
  }

  @Override
  public int compareTo(StreamId o) {
    int c = Long.compare(millis, o.millis);
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

  boolean isAfter(StreamId o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return millis + "-" + seq;
  }
}
