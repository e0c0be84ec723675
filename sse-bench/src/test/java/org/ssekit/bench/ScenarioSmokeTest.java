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

  static final List<String> SERVERS =
      List.of("ssekit-jetty", "ssekit-jetty-core", "jetty-eventsource", "mercure-ssekit");

  /**
   * Runs {@code scenario} at 1% scale with a 2 s window for each of {@code servers}, in this JVM, and
   * checks that each has a result without an error. Used by sse-bench-spring's smoke test too.
   */
  static List<Map<String, Object>> run(String scenario, List<String> servers) throws Exception {
    Runner.Options o =
        new Runner.Options(List.of(scenario), servers, 0.01, 2, Path.of("target", "smoke"), true);
    List<Map<String, Object>> docs = new Runner(o).runAll();
    assertThat(docs).hasSize(1);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) docs.get(0).get("results");
    assertThat(results).extracting(r -> r.get("server")).containsExactlyElementsOf(servers);
    for (Map<String, Object> r : results) {
      assertThat(r.get("error")).as("error of %s", r.get("server")).isNull();
    }
    return results;
  }

  /** The checks of S1, for the results of {@link #run}. */
  static void checkIdle(List<Map<String, Object>> results) {
    for (Map<String, Object> r : results) {
      assertThat(r.get("connected")).as("%s", r.get("server")).isEqualTo(190L);
      assertThat(r.get("connectFailed")).isEqualTo(0L);
      assertThat((Long) r.get("threads")).isPositive();
      assertThat((Double) r.get("connectP99Ms")).isPositive();
      assertThat(r.get("closedByServer")).isEqualTo(0L);
    }
  }

  /** The checks of S2, for the results of {@link #run}. */
  static void checkBroadcast(List<Map<String, Object>> results) {
    for (Map<String, Object> r : results) {
      assertThat(r.get("connected")).isEqualTo(100L);
      assertThat((Long) r.get("expected")).as("%s", r.get("server")).isEqualTo(100L * (Long) r.get("published"));
      assertThat((Long) r.get("published")).isGreaterThanOrEqualTo(15L);
      assertThat(r.get("delivered")).as("%s", r.get("server")).isEqualTo(r.get("expected"));
      assertThat((Long) r.get("events")).isEqualTo(r.get("delivered"));
      assertThat((Double) r.get("p99Ms")).isPositive();
    }
  }

  /** The checks of S3, for the results of {@link #run}. */
  static void checkSaturation(List<Map<String, Object>> results) {
    for (Map<String, Object> r : results) {
      assertThat((Long) r.get("published")).isGreaterThanOrEqualTo(150L);
      assertThat(r.get("delivered")).as("%s", r.get("server")).isEqualTo(r.get("expected"));
      assertThat((Long) r.get("deliveriesPerSec")).isPositive();
    }
  }

  /** The checks of S4, for the results of {@link #run}. */
  static void checkRooms(List<Map<String, Object>> results) {
    for (Map<String, Object> r : results) {
      assertThat(r.get("connected")).isEqualTo(180L);
      assertThat((Long) r.get("published")).isGreaterThanOrEqualTo(50L);
      // 10 subscribers per topic: a message reaching other topics would exceed the expectation
      assertThat((Long) r.get("expected")).isEqualTo(10L * (Long) r.get("published"));
      assertThat(r.get("delivered")).as("%s", r.get("server")).isEqualTo(r.get("expected"));
    }
  }

  /** The checks of S5, for the results of {@link #run}. */
  static void checkHostile(List<Map<String, Object>> results) {
    for (Map<String, Object> r : results) {
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
  void idleScenarioConnectsEveryStreamAndMeasuresMemoryAndThreads() throws Exception {
    checkIdle(run("S1", SERVERS));
  }

  @Test
  void broadcastScenarioDeliversEveryEventToEverySubscriber() throws Exception {
    checkBroadcast(run("S2", SERVERS));
  }

  @Test
  void saturationScenarioDeliversEveryEventAtOnePercentScale() throws Exception {
    checkSaturation(run("S3", SERVERS));
  }

  @Test
  void roomsScenarioDeliversEachEventToItsTopicOnly() throws Exception {
    checkRooms(run("S4", SERVERS));
  }

  @Test
  void hostileScenarioKeepsHealthySubscribersWhileOthersChurnOrNeverRead() throws Exception {
    checkHostile(run("S5", SERVERS));
  }

  @Test
  void maximumThroughputScenarioStepsTheRateUpAndReportsEachServersMaximum() throws Exception {
    Runner.Options o = new Runner.Options(
        List.of("S3max"), SERVERS, 0.01, 2, Path.of("target", "smoke"), true, 0, 3);
    List<Map<String, Object>> docs = new Runner(o).runAll();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) docs.get(0).get("results");
    assertThat(results).extracting(r -> r.get("server")).containsExactlyElementsOf(SERVERS);
    for (Map<String, Object> r : results) {
      assertThat(r.get("error")).as("error of %s", r.get("server")).isNull();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> steps = (List<Map<String, Object>>) r.get("steps");
      // 100 subscribers at 100, 125, 156.25 publishes/s keep up on any machine, so all 3 steps run
      assertThat(steps).as("%s", r.get("server")).hasSize(3);
      assertThat(steps).extracting(st -> st.get("offeredPerSec")).containsExactly(10_000L, 12_500L, 15_625L);
      for (Map<String, Object> st : steps) {
        assertThat((Double) st.get("deliveredPct")).as("%s %s", r.get("server"), st).isEqualTo(100.0);
        assertThat((Double) st.get("onTimePct")).isGreaterThanOrEqualTo(Runner.KEEPS_UP_PCT);
      }
      assertThat(r.get("stopReason")).isEqualTo("step limit (3 steps)");
      assertThat(r.get("maxStep")).isEqualTo(3);
      assertThat(r.get("maxDeliveriesPerSec")).isEqualTo(steps.get(2).get("deliveriesPerSec"));
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
