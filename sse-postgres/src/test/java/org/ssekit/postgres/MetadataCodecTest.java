package org.ssekit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

  @Test
  void roundTripsControlCharactersQuotesAndSurrogates() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("plain", "v 1");
    m.put("nul\u0000key", "a\u0000b");
    m.put("quote\"back\\slash", "line\nbreak\r\ttab");
    m.put("emoji", "\uD83D\uDE00 and a lone \uD800 surrogate");
    m.put("", "");
    String json = MetadataCodec.encode(m);
    assertThat(json).doesNotContain("\u0000").doesNotContain("\n").doesNotContain("\uD800");
    assertThat(MetadataCodec.decode(json)).isEqualTo(m);
  }

  @Test
  void encodesEmptyMetadataAsEmptyObject() {
    assertThat(MetadataCodec.encode(Map.of())).isEqualTo("{}");
    assertThat(MetadataCodec.decode("{}")).isEmpty();
    assertThat(MetadataCodec.decode(" { } ")).isEmpty();
  }

  @Test
  void rejectsWhatIsNotAnObjectOfStrings() {
    assertThatThrownBy(() -> MetadataCodec.decode("{\"a\":1}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MetadataCodec.decode("{\"a\":\"b\"")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MetadataCodec.decode("{} x")).isInstanceOf(IllegalArgumentException.class);
  }
}
