package org.ssekit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated report: hostile-scenario rows, servers that did not finish, maximum throughput. */
class ReportTest {

  private static Map<String, Object> doc(String id, List<Map<String, Object>> results, List<String> planned) {
    Scenario s = Scenario.of(id, 1, 60);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("scenario", id);
    doc.put("title", s.title());
    doc.put("params", s);
    doc.put("scale", 1.0);
    doc.put("machine", Runner.machine());
    doc.put("date", "2026-11-21T15:00:00Z");
    doc.put("serversPlanned", planned);
    doc.put("results", results);
    return doc;
  }

  private static Map<String, Object> finished(String server, double p99) {
    Histogram h = new Histogram(3);
    h.recordValue((long) (p99 * 1000));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("server", server);
    r.put("p99Ms", p99);
    r.put("heapAfterGcStartMB", 100.0);
    r.put("heapAfterGcMB", 112.5);
    r.put("heapGrowthMB", 12.5);
    r.put("maxThreadsBlockedInWrite", 3L);
    r.put("latencyHistogram", GenReport.encode(h));
    return r;
  }

  @Test
  void hostileTableKeepsAServerThatDidNotFinishAndComparesWithS4() throws Exception {
    Path out = Files.createTempDirectory("bench-report");
    Path img = Files.createDirectories(out.resolve("img"));
    ObjectMapper json = new ObjectMapper();
    json.writeValue(img.resolve("bench-S4.json").toFile(),
        doc("S4", List.of(finished("ssekit-jetty", 100), finished("spring", 900)), List.of("ssekit-jetty", "spring")));
    Map<String, Object> dnf = new LinkedHashMap<>();
    dnf.put("server", "spring");
    dnf.put("didNotFinish", true);
    dnf.put("phase", "window");
    dnf.put("limitSeconds", 336.0);
    dnf.put("maxThreadsBlockedInWrite", 1L);
    dnf.put("deliveredPct", 42.5);
    json.writeValue(img.resolve("bench-S5.json").toFile(),
        doc("S5", List.of(finished("ssekit-jetty", 250), dnf), List.of("ssekit-jetty", "spring", "jersey")));

    Report.write(out);

    String md = Files.readString(out.resolve("benchmarks.md"), StandardCharsets.UTF_8);
    String s5 = md.substring(md.indexOf("### S5"));
    assertThat(s5).contains("| S5 | ssekit-jetty | spring |");
    assertThat(s5).contains("| healthy p99 ms vs the same server's S4 p99 ms (ratio) | 250 vs 100 (2.50×) | did not finish |");
    assertThat(s5).contains("| heap after GC, window start → end MB | 100 → 112.50 | did not finish |");
    assertThat(s5).contains("| heap growth over the window MB | 12.50 | did not finish |");
    assertThat(s5).contains("(sampled each second) | 3 | 1 † |");
    assertThat(s5).contains("| delivered % of published × subscribers | – | 42.50 † |");
    assertThat(s5).contains("- spring did not finish: stopped at the run's limit of 336 s, in phase \"window\"");
    assertThat(s5).contains("- not measured (the run stopped before them): jersey");
    assertThat(Files.exists(img.resolve("bench-S5-latency.png"))).isTrue();
  }

  private static Map<String, Object> step(int k, long offered, long delivered, double onTime) {
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("step", k);
    st.put("offeredPerSec", offered);
    st.put("deliveriesPerSec", delivered);
    st.put("onTimePct", onTime);
    st.put("p99Ms", 12.5);
    st.put("serverCpuPct", 90.0);
    return st;
  }

  @Test
  void maximumThroughputTableGivesEachServersMaximumWhyItStoppedAndEveryStep() throws Exception {
    Path out = Files.createTempDirectory("bench-report");
    Path img = Files.createDirectories(out.resolve("img"));
    Map<String, Object> a = finished("ssekit-jetty", 12.5);
    a.put("maxStep", 2);
    a.put("offeredPublishesPerSec", 125.0);
    a.put("maxDeliveriesPerSec", 1_249_000L);
    a.put("onTimePct", 99.9);
    a.put("stopReason", "server-bound at step 3 (80.00% on time)");
    a.put("steps", List.of(step(1, 1_000_000, 999_000, 100), step(2, 1_250_000, 1_249_000, 99.9),
        step(3, 1_562_500, 1_200_000, 80)));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("server", "jetty-eventsource");
    b.put("maxStep", 0);
    b.put("maxDeliveriesPerSec", 0);
    b.put("stopReason", "publisher-bound at step 1 (6.0 of 100 publishes/s, publish calls 99.0% of the window)");
    b.put("steps", List.of(step(1, 1_000_000, 60_000, 6)));
    new ObjectMapper().writeValue(img.resolve("bench-S3max.json").toFile(),
        doc("S3max", List.of(a, b), List.of("ssekit-jetty", "jetty-eventsource")));

    Report.write(out);

    String md = Files.readString(out.resolve("benchmarks.md"), StandardCharsets.UTF_8);
    String max = md.substring(md.indexOf("### S3max"));
    assertThat(max).contains("| S3max | ssekit-jetty | jetty-eventsource |");
    assertThat(max).contains("| maximum deliveries/s that kept up | 1,249,000 | 0 |");
    assertThat(max).contains("| at step (publishes/s offered) | 2 (125) | none kept up |");
    assertThat(max).contains("| stopped because | server-bound at step 3 (80.00% on time) | publisher-bound at step 1");
    assertThat(max).contains("| 1: 1,000,000 | 999,000/s, 100% on time, p99 12.50 ms, CPU 90% | 60,000/s, 6% on time,");
    assertThat(max).contains("| 3: 1,562,500 | 1,200,000/s, 80% on time, p99 12.50 ms, CPU 90% | – |");
    assertThat(Files.exists(img.resolve("bench-S3max-maximum.png"))).isTrue();
  }
}
