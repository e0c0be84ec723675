package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubjectsTest {

  @Test
  void keepsPlainTopicNamesReadable() {
    assertThat(Subjects.token("news-2024")).isEqualTo("news-2024");
    assertThat(new Subjects("app.sse").log("chat")).isEqualTo("app.sse.log.chat");
    assertThat(new Subjects("app.sse").live("chat")).isEqualTo("app.sse.live.chat");
  }

  @Test
  void escapesEverySubjectMetacharacterIntoOneValidToken() {
    for (String topic : List.of("a.b", "*", ">", "a b\tc", "", "_", "ünï/cødé", "x\u0000y", "a..b")) {
      String token = Subjects.token(topic);
      assertThat(token).isNotEmpty().matches("[A-Za-z0-9_-]+");
    }
    assertThat(Subjects.token("a.b")).isEqualTo("a_2Eb");
    assertThat(Subjects.token("")).isEqualTo("_");
  }

  @Test
  void mapsDistinctTopicsToDistinctTokens() {
    List<String> topics = List.of("a.b", "a_2Eb", "a_b", "a_5Fb", "", "_", "__", "_5F", "A", "a", "é", "_C3_A9");
    Set<String> tokens = new HashSet<>();
    for (String t : topics) {
      tokens.add(Subjects.token(t));
    }
    assertThat(tokens).hasSize(topics.size());
  }

  @Test
  void rejectsInvalidPrefixesAndStreamNames() {
    assertThatThrownBy(() -> new Subjects("a.*")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.*");
    assertThatThrownBy(() -> new Subjects("a..b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Subjects("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Subjects.checkStream("A.B")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A.B");
    assertThat(Subjects.checkStream("SSEKIT_app-1")).isEqualTo("SSEKIT_app-1");
  }
}
