package org.ssekit.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueryStringTest {

  @Test
  void decodesPairsPlusAndUtf8Escapes() {
    assertThat(QueryString.parse("a=%E2%82%AC&b=x+y&c&&d=&e=1=2"))
        .containsExactly("a", "\u20ac", "b", "x y", "c", "", "d", "", "e", "1=2");
    assertThat(QueryString.parse("")).isEmpty();
    assertThat(QueryString.parse("lastEventId=abc%00def")).containsExactly("lastEventId", "abc\0def");
  }

  @Test
  void refusesMalformedEscapesWithoutEchoingThem() {
    for (String q : new String[] {"a=%ff", "a=%zz", "a=%", "a=%e", "%c0%af=1", "a=%e2%82", "a=%ed%a0%80"}) {
      assertThatThrownBy(() -> QueryString.parse(q))
          .as(q)
          .isInstanceOf(QueryString.MalformedQueryException.class)
          .hasMessageContaining("offset");
    }
  }
}
