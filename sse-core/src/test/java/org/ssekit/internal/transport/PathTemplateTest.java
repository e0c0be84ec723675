package org.ssekit.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssekit.StreamRequest;

class PathTemplateTest {

  @Test
  void matchesLiteralsAndCapturesParameters() {
    PathTemplate t = PathTemplate.parse("/posts/{id}/stats");
    assertThat(t.match("/posts/42/stats")).contains(Map.of("id", "42"));
    assertThat(t.parameters()).containsExactly("id");
  }

  @Test
  void refusesOtherPathsEmptySegmentsAndTrailingSlashes() {
    PathTemplate t = PathTemplate.parse("/posts/{id}/stats");
    assertThat(t.match("/posts/42/other")).isEmpty();
    assertThat(t.match("/posts//stats")).isEmpty();
    assertThat(t.match("/posts/42/stats/")).isEmpty();
    assertThat(t.match("/posts/42")).isEmpty();
    assertThat(t.match("/posts/4/2/stats")).isEmpty();
  }

  @Test
  void anyMatchesEverythingWithoutParameters() {
    assertThat(PathTemplate.ANY.match("/whatever/here")).contains(Map.of());
  }

  @Test
  void rejectsMalformedTemplates() {
    assertThatThrownBy(() -> PathTemplate.parse("posts/{id}")).hasMessageContaining("start with '/'");
    assertThatThrownBy(() -> PathTemplate.parse("/posts/{}/x")).hasMessageContaining("{name}");
    assertThatThrownBy(() -> PathTemplate.parse("/posts/{id/x")).hasMessageContaining("{name}");
    assertThatThrownBy(() -> PathTemplate.parse("/a/{id}/b/{id}")).hasMessageContaining("repeats");
  }

  @Test
  void expandsPlaceholdersFromParameters() {
    assertThat(PathTemplate.expand("post-{id}-{kind}", Map.of("id", "7", "kind", "views")))
        .isEqualTo("post-7-views");
    assertThat(PathTemplate.expand("fixed", Map.of())).isEqualTo("fixed");
    assertThat(PathTemplate.placeholders("{a}-{b}")).containsExactly("a", "b");
  }

  @Test
  void matchPairsAgreesWithMatch() {
    PathTemplate t = PathTemplate.parse("/a/{x}/b/{y}");
    assertThat(t.matchPairs("/a/1/b/2")).containsExactly("x", "1", "y", "2");
    assertThat(t.matchPairs("a/1/b/2")).containsExactly("x", "1", "y", "2");
    for (String p : new String[] {"/a/1/b", "/a/1/b/2/", "/a//b/2", "/a/1/c/2", "/", "", "/a/1/b/2/3", "/ab/1/b/2"}) {
      assertThat(t.matchPairs(p)).as(p).isNull();
      assertThat(t.match(p)).as(p).isEmpty();
    }
    PathTemplate root = PathTemplate.parse("/");
    assertThat(root.matchPairs("/")).isEmpty();
    assertThat(root.matchPairs("/x")).isNull();
    assertThat(PathTemplate.parse("/fixed").matchPairs("/fixed")).isEmpty();
    assertThat(PathTemplate.ANY.matchPairs("/any/thing")).isEmpty();
  }

  @Test
  void aCompiledTopicExpandsLikeExpand() {
    StreamRequest r = StreamRequest.builder().pathParam("id", "7").pathParam("kind", "views").build();
    for (String pattern : new String[] {"post-{id}-{kind}", "{id}", "fixed", "{id}{kind}", "x{id", "a-{id}"}) {
      assertThat(PathTemplate.compileTopic(pattern).apply(r)).as(pattern).isEqualTo(PathTemplate.expand(pattern, r.pathParams()));
    }
    assertThatThrownBy(() -> PathTemplate.compileTopic("{nope}").apply(r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }
}
