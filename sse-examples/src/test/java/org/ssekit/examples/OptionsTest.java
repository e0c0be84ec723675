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

  @Test
  void acceptsTheBrokerSchemesOfTheThreeModulesAndAPrefix() {
    assertThat(Options.parse("--broker", "redis://127.0.0.1:6379", "--broker-prefix", "demo_1"))
        .isEqualTo(new Options("127.0.0.1", 8080, "redis://127.0.0.1:6379", "demo_1"));
    assertThat(Brokers.kind("nats://127.0.0.1:4222")).isEqualTo(Brokers.Kind.NATS);
    assertThat(Brokers.kind("postgresql://postgres@127.0.0.1:5432/test")).isEqualTo(Brokers.Kind.POSTGRES);
    assertThat(Brokers.kind("jdbc:postgresql://127.0.0.1:5432/test?user=postgres")).isEqualTo(Brokers.Kind.POSTGRES);
    assertThat(Brokers.kind("memory")).isEqualTo(Brokers.Kind.MEMORY);
  }

  @Test
  void rejectsUnknownBrokerSchemesAndBadPrefixes() {
    assertThatThrownBy(() -> Options.parse("--broker", "kafka://localhost:9092"))
        .hasMessageContaining("not supported")
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> Options.parse("--broker-prefix", "Bad-Prefix")).hasMessageContaining("--broker-prefix");
  }
}
