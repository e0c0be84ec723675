package org.ssekit.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SamplerTest {

  @Test
  void readsHeapCpuAndTheStreamCount() {
    AtomicInteger streams = new AtomicInteger(7);
    Sampler sampler = Sampler.of(Clock.fixed(Instant.ofEpochMilli(1234), ZoneOffset.UTC), streams::get, 10);

    Sample s = sampler.sample();

    assertThat(s.time()).isEqualTo(1234);
    assertThat(s.streams()).isEqualTo(7);
    assertThat(s.heapUsed()).isPositive();
    assertThat(s.processCpu()).isBetween(-1.0, 1.0);
    assertThat(s.systemCpu()).isBetween(-1.0, 1.0);
  }

  @Test
  void keepsOnlyTheNewestReadings() {
    AtomicInteger streams = new AtomicInteger();
    Sampler sampler = Sampler.of(Clock.systemUTC(), streams::incrementAndGet, 3);
    for (int i = 0; i < 5; i++) {
      sampler.sample();
    }
    assertThat(sampler.recent()).extracting(Sample::streams).containsExactly(3, 4, 5);
  }
}
