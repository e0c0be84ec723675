package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsToLoopbackPort8080AndTheInMemoryBroker() {
    assertThat(Options.parse()).isEqualTo(new Options("127.0.0.1", 8080, "memory"));
  }

  @Test
  void readsSpaceAndEqualsForms() {
    assertThat(Options.parse("--port", "9090", "--host=0.0.0.0", "--broker", "memory"))
        .isEqualTo(new Options("0.0.0.0", 9090, "memory"));
  }

  @Test
  void rejectsUnknownOptionsMissingValuesAndBadPorts() {
    assertThatThrownBy(() -> Options.parse("--prot", "1")).hasMessageContaining("unknown option: --prot");
    assertThatThrownBy(() -> Options.parse("--port")).hasMessageContaining("--port needs a value");
    assertThatThrownBy(() -> Options.parse("--port", "http")).hasMessageContaining("must be a number");
    assertThatThrownBy(() -> Options.parse("--port", "70000")).hasMessageContaining("0 to 65535");
  }
}
