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

/** The generated report: hostile-scenario rows and servers that did not finish. */
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
}
