package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueryTest {

  @Test
  void decodesPairsPlusAndUtf8Escapes() {
    assertThat(Query.parse("a=%E2%82%AC&b=x+y&c&&d=&e=1=2"))
        .containsExactly("a", "\u20ac", "b", "x y", "c", "", "d", "", "e", "1=2");
    assertThat(Query.parse("")).isEmpty();
    assertThat(Query.parse("lastEventId=abc%00def")).containsExactly("lastEventId", "abc\0def");
  }

  @Test
  void refusesMalformedEscapesWithoutEchoingThem() {
    for (String q : new String[] {"a=%ff", "a=%zz", "a=%", "a=%e", "%c0%af=1", "a=%e2%82", "a=%ed%a0%80"}) {
      assertThatThrownBy(() -> Query.parse(q))
          .as(q)
          .isInstanceOf(Query.MalformedQueryException.class)
          .hasMessageContaining("offset");
    }
  }
}
