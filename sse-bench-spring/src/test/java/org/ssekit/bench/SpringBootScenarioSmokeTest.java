package org.ssekit.bench;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot servers through the scenarios the benchmark reports for them (S1, S3, S4), at 1%
 * scale for a few seconds, server and generator in this JVM, with sse-bench's smoke checks.
 */
class SpringBootScenarioSmokeTest {

  static final List<String> SERVERS = List.copyOf(ServerHost.SPRING_BOOT_KINDS.keySet());

  @Test
  void idleScenarioConnectsEveryStreamAndMeasuresMemoryAndThreads() throws Exception {
    ScenarioSmokeTest.checkIdle(ScenarioSmokeTest.run("S1", SERVERS));
  }

  @Test
  void saturationScenarioDeliversEveryEventAtOnePercentScale() throws Exception {
    ScenarioSmokeTest.checkSaturation(ScenarioSmokeTest.run("S3", SERVERS));
  }

  @Test
  void roomsScenarioDeliversEachEventToItsTopicOnly() throws Exception {
    ScenarioSmokeTest.checkRooms(ScenarioSmokeTest.run("S4", SERVERS));
  }
}
