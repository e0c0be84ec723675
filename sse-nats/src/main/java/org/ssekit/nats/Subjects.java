package org.ssekit.nats;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Maps topic names to NATS subjects. A topic becomes one subject token: ASCII letters, digits and
 * {@code -} stay as they are, every other UTF-8 byte (including {@code _}) becomes {@code _XX}
 * (upper-case hex), and the empty topic becomes {@code _}. The mapping is injective and its
 * output never holds {@code .}, {@code *}, {@code >} or whitespace.
 */
final class Subjects {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]+");

  private final String logPrefix;
  private final String livePrefix;

  /** Subjects under {@code prefix}: {@code <prefix>.log.<topic>} and {@code <prefix>.live.<topic>}. */
  Subjects(String prefix) {
    this.logPrefix = checkPrefix(prefix) + ".log.";
    this.livePrefix = prefix + ".live.";
  }

  /** The subject the stream stores {@code topic} under. */
  String log(String topic) {
    return logPrefix + token(topic);
  }

  /** The subject the stream republishes {@code topic}'s stored messages to. */
  String live(String topic) {
    return livePrefix + token(topic);
  }

  /** The stream's subject filter: every topic's log subject. */
  String logWildcard() {
    return logPrefix + "*";
  }

  /** The republish source ({@code <prefix>.log.>}). */
  String republishSource() {
    return logPrefix + ">";
  }

  /** The republish destination ({@code <prefix>.live.>}). */
  String republishDestination() {
    return livePrefix + ">";
  }

  /** One subject token for {@code topic}; see the class comment. */
  static String token(String topic) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty()) {
      return "_";
    }
    byte[] bytes = topic.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
        sb.append((char) c);
      } else {
        sb.append('_').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "subjectPrefix");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "subject prefix must be dot-separated tokens of letters, digits, '-' or '_': " + prefix);
    }
    return prefix;
  }

  static String checkStream(String stream) {
    Objects.requireNonNull(stream, "streamName");
    if (!STREAM.matcher(stream).matches()) {
      throw new IllegalArgumentException(
          "stream name must be letters, digits, '-' or '_': " + stream);
    }
    return stream;
  }
}
