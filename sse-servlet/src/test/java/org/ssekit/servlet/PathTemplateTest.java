package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
