package org.ssekit;

import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseParser;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

/**
 * Encode then parse is the identity, for arbitrary values and every way of cutting the bytes into
 * chunks.
 *
 * <p>The one transformation SSE itself imposes: a line break inside data or a comment is a line
 * separator on the wire, and a client joins the lines back with LF, so CRLF and lone CR in a value
 * come back as LF ({@link #normalized}). An unpaired UTF-16 surrogate cannot be encoded in UTF-8
 * and comes back as U+FFFD. Everything else, including NUL, leading spaces, colons and
 * supplementary characters, comes back unchanged.
 */
class WireRoundTripTest {

  /** What a client sees for a value containing line breaks or unpaired surrogates. */
  static String normalized(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r') {
        sb.append('\n');
        if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** An event to encode and what the parser must report for it. */
  record Case(@Nullable String id, @Nullable String name, String data, @Nullable String comment) {
    Event event() {
      Event.Builder b = Event.builder().data(data);
      if (id != null) {
        b.id(id);
      }
      if (name != null) {
        b.name(name);
      }
      if (comment != null) {
        b.comment(comment);
      }
      return b.build();
    }
  }

  private static final String[] TOKENS = {
    "a", "b", "xyz", " ", "  ", ":", "\r", "\n", "\r\n", "\n\r", "\0", "é", "€", "😀", "\uD800",
    "\uDC00", "\uDBFF\uDFFF", "data: x", "id: 9", "\uFEFF", "\t"
  };

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> tokens =
        Arbitraries.of(TOKENS).list().ofMaxSize(12).map(l -> String.join("", l));
    return Arbitraries.oneOf(tokens, tokens, Arbitraries.strings().all().ofMaxLength(20));
  }

  @Provide
  Arbitrary<String> ids() {
    return values().map(s -> s.replace("\0", "").replace("\r", "").replace("\n", ""));
  }

  @Provide
  Arbitrary<String> names() {
    return values().map(s -> s.replace("\r", "").replace("\n", ""));
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(
            ids().injectNull(0.5), names().injectNull(0.5), values(), values().injectNull(0.7))
        .as(Case::new);
  }

  @Provide
  Arbitrary<List<Case>> streams() {
    return cases().list().ofMinSize(1).ofMaxSize(6);
  }

  private static byte[] encode(List<Case> cases, boolean bom) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (bom) {
      out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    }
    for (Case c : cases) {
      Event e = c.event();
      byte[] b = new byte[e.encodedLength()];
      e.copyTo(b, 0);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /** What a browser dispatches for {@code cases}, in order, and the comments it skips. */
  private static List<Object> expected(List<Case> cases) {
    List<Object> out = new ArrayList<>();
    String lastId = "";
    for (Case c : cases) {
      if (c.comment() != null) {
        for (String line : normalized(c.comment()).split("\n", -1)) {
          out.add("comment:" + line);
        }
      }
      if (c.id() != null) {
        lastId = normalized(c.id());
      }
      String type = c.name() == null || c.name().isEmpty() ? "message" : normalized(c.name());
      out.add(new MessageEvent(type, normalized(c.data()), lastId));
    }
    return out;
  }

  /** Parses {@code bytes} fed in the chunks that {@code cuts} (sorted offsets) delimit. */
  private static List<Object> parse(byte[] bytes, int... cuts) {
    List<Object> out = new ArrayList<>();
    SseParser p =
        SseParser.create(
            new SseParser.Listener() {
              @Override
              public void onEvent(MessageEvent event) {
                out.add(event);
              }

              @Override
              public void onComment(String comment) {
                out.add("comment:" + comment);
              }
            });
    int from = 0;
    for (int cut : cuts) {
      p.feed(bytes, from, cut - from);
      from = cut;
    }
    p.feed(bytes, from, bytes.length - from);
    return out;
  }

  private static int[] randomCuts(int length, long seed, int count) {
    Random r = new Random(seed);
    TreeSet<Integer> cuts = new TreeSet<>();
    for (int i = 0; i < count && length > 0; i++) {
      cuts.add(r.nextInt(length + 1));
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  @Property(tries = 400)
  void encodeThenParseIsIdentityForOneEventInOneChunk(@ForAll("cases") Case c) {
    assertThat(parse(encode(List.of(c), false))).isEqualTo(expected(List.of(c)));
  }

  @Property(tries = 400)
  void encodeThenParseIsIdentityForAnyChunking(
      @ForAll("streams") List<Case> cases,
      @ForAll boolean bom,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int cutCount) {
    byte[] bytes = encode(cases, bom);
    assertThat(parse(bytes, randomCuts(bytes.length, seed, cutCount))).isEqualTo(expected(cases));
  }

  @Property(tries = 40)
  void everySingleAndDoubleCutOfASmallStreamParsesTheSame(@ForAll("cases") Case c, @ForAll boolean bom) {
    List<Case> cases = List.of(c, new Case(null, null, "tail", null));
    byte[] bytes = encode(cases, bom);
    if (bytes.length > 60) {
      bytes = encode(List.of(new Case(c.id() == null ? null : "i", null, "\r\né😀\r", ":\r")), bom);
      cases = List.of(new Case(c.id() == null ? null : "i", null, "\r\né😀\r", ":\r"));
    }
    List<Object> want = expected(cases);
    for (int i = 0; i <= bytes.length; i++) {
      assertThat(parse(bytes, i)).as("cut at %d", i).isEqualTo(want);
      for (int j = i; j <= bytes.length; j++) {
        assertThat(parse(bytes, i, j)).as("cuts at %d, %d", i, j).isEqualTo(want);
      }
    }
  }

  @Example
  void everySingleAndDoubleCutOfAStreamWithEveryHardCase() {
    List<Case> cases =
        List.of(
            new Case("1", "n\0", "a\r\nb\rc\n\0\uD83D\uDE00 é", "x\ry"),
            new Case("", null, "\r", null),
            new Case(null, "", "", null));
    byte[] bytes = encode(cases, true);
    List<Object> want = expected(cases);
    for (int i = 0; i <= bytes.length; i++) {
      for (int j = i; j <= bytes.length; j++) {
        assertThat(parse(bytes, i, j)).as("cuts at %d, %d", i, j).isEqualTo(want);
      }
    }
  }

  @Property(tries = 3)
  void oneMebibytePayloadSurvivesRandomChunking(@ForAll long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(1 << 20);
    while (sb.length() < (1 << 20)) {
      sb.append(TOKENS[r.nextInt(TOKENS.length)]);
    }
    Case c = new Case("big", "large", sb.toString(), null);
    byte[] bytes = encode(List.of(c), false);
    assertThat(bytes.length).isGreaterThan(1 << 20);
    int[] cuts = randomCuts(bytes.length, seed, 2_000);
    List<Object> got = parse(bytes, cuts);
    assertThat(got).hasSize(1);
    MessageEvent e = (MessageEvent) got.get(0);
    assertThat(e.type()).isEqualTo("large");
    assertThat(e.lastEventId()).isEqualTo("big");
    assertThat(e.data()).isEqualTo(normalized(c.data()));
  }
}
