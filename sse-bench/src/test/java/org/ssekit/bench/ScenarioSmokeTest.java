package org.ssekit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every scenario for a few seconds at 1% scale, server and generator in this JVM, so a broken
 * generator, server or runner fails the build. The real runs are never part of the tests.
 */
class ScenarioSmokeTest {

  static final List<String> SERVERS = List.of("ssekit-jetty", "jetty-eventsource", "mercure-ssekit");

  private static List<Map<String, Object>> run(String scenario) throws Exception {
    Runner.Options o =
        new Runner.Options(List.of(scenario), SERVERS, 0.01, 2, Path.of("target", "smoke"), true);
    List<Map<String, Object>> docs = new Runner(o).runAll();
    assertThat(docs).hasSize(1);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) docs.get(0).get("results");
    assertThat(results).extracting(r -> r.get("server")).containsExactlyElementsOf(SERVERS);
    for (Map<String, Object> r : results) {
      assertThat(r.get("error")).as("error of %s", r.get("server")).isNull();
    }
    return results;
  }

  @Test
  void idleScenarioConnectsEveryStreamAndMeasuresMemoryAndThreads() throws Exception {
    for (Map<String, Object> r : run("S1")) {
      assertThat(r.get("connected")).as("%s", r.get("server")).isEqualTo(190L);
      assertThat(r.get("connectFailed")).isEqualTo(0L);
      assertThat((Long) r.get("threads")).isPositive();
      assertThat((Double) r.get("connectP99Ms")).isPositive();
      assertThat(r.get("closedByServer")).isEqualTo(0L);
    }
  }

  @Test
  void broadcastScenarioDeliversEveryEventToEverySubscriber() throws Exception {
    for (Map<String, Object> r : run("S2")) {
      assertThat(r.get("connected")).isEqualTo(100L);
      assertThat((Long) r.get("expected")).as("%s", r.get("server")).isEqualTo(100L * (Long) r.get("published"));
      assertThat((Long) r.get("published")).isGreaterThanOrEqualTo(15L);
      assertThat(r.get("delivered")).as("%s", r.get("server")).isEqualTo(r.get("expected"));
      assertThat((Long) r.get("events")).isEqualTo(r.get("delivered"));
      assertThat((Double) r.get("p99Ms")).isPositive();
    }
  }

  @Test
  void saturationScenarioDeliversEveryEventAtOnePercentScale() throws Exception {
    for (Map<String, Object> r : run("S3")) {
      assertThat((Long) r.get("published")).isGreaterThanOrEqualTo(150L);
      assertThat(r.get("delivered")).as("%s", r.get("server")).isEqualTo(r.get("expected"));
      assertThat((Long) r.get("deliveriesPerSec")).isPositive();
    }
  }

  @Test
  void roomsScenarioDeliversEachEventToItsTopicOnly() throws Exception {
    for (Map<String, Object> r : run("S4")) {
      assertThat(r.get("connected")).isEqualTo(180L);
      assertThat((Long) r.get("published")).isGreaterThanOrEqualTo(50L);
      // 10 subscribers per topic: a message reaching other topics would exceed the expectation
      assertThat((Long) r.get("expected")).isEqualTo(10L * (Long) r.get("published"));
      assertThat(r.get("delivered")).as("%s", r.get("server")).isEqualTo(r.get("expected"));
    }
  }

  @Test
  void hostileScenarioKeepsHealthySubscribersWhileOthersChurnOrNeverRead() throws Exception {
    for (Map<String, Object> r : run("S5")) {
      assertThat(r.get("connected")).isEqualTo(178L);
      assertThat(r.get("slowConnected")).isEqualTo(2L);
      assertThat((Long) r.get("churnConnects")).isPositive();
      assertThat(r.get("delivered")).as("%s", r.get("server")).isEqualTo(r.get("expected"));
      assertThat(r.get("maxThreadsBlockedInWrite")).isNotNull();
      assertThat(r.get("heapAfterGcStartMB")).isNotNull();
      assertThat(r.get("heapGrowthMB")).isNotNull();
    }
  }

  @Test
  void aRunOverItsLimitIsStoppedRecordedAsNotFinishedAndTheNextServerStillRuns() throws Exception {
    // 2 s cannot hold ramp, warm-up, a 2 s window and the drain
    Runner.Options o =
        new Runner.Options(List.of("S2"), SERVERS, 0.01, 2, Path.of("target", "smoke"), true, 2);
    long start = System.nanoTime();
    List<Map<String, Object>> docs = new Runner(o).runAll();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) docs.get(0).get("results");
    assertThat(results).extracting(r -> r.get("server")).containsExactlyElementsOf(SERVERS);
    for (Map<String, Object> r : results) {
      assertThat(r.get("didNotFinish")).as("%s", r.get("server")).isEqualTo(true);
      assertThat(r.get("phase")).isNotNull();
      assertThat(r.get("limitSeconds")).isEqualTo(2.0);
    }
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(90);
  }
}
