package org.ssekit.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs scenarios against servers in turn: for each server a fresh server JVM and two or more
 * generator JVMs (or, for the smoke test, everything in this JVM), then writes the raw results
 * and the report.
 */
final class Runner {

  /** What to run. */
  record Options(
      List<String> scenarios,
      List<String> servers,
      double scale,
      double seconds,
      Path out,
      boolean inProcess) {}

  static final List<String> SERVER_FLAGS =
      List.of("-Xms256m", "-Xmx3g", "-XX:+UseG1GC", "-XX:MaxDirectMemorySize=1g", "-Xss512k",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
  static final List<String> GEN_FLAGS =
      List.of("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
  static final int MAX_CONNECTIONS_PER_GENERATOR = 9_500;
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Options options;
  private final HttpClient http = HttpClient.newHttpClient();

  Runner(Options options) {
    this.options = options;
  }

  /** Runs every scenario for every server and rewrites the report after each scenario. */
  List<Map<String, Object>> runAll() throws Exception {
    List<Map<String, Object>> all = new ArrayList<>();
    for (String id : options.scenarios()) {
      Scenario s = Scenario.of(id, options.scale(), options.seconds());
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("scenario", s.id());
      doc.put("title", s.title());
      doc.put("params", s);
      doc.put("scale", options.scale());
      doc.put("machine", machine());
      doc.put("date", Instant.now().toString());
      List<Map<String, Object>> results = new ArrayList<>();
      for (String server : options.servers()) {
        log("%s %s: starting (%d stable, %d slow, %d topics, %.0f publishes/s, %.0f s)",
            s.id(), server, s.stable(), s.slow(), s.topics(), s.rate(), s.seconds());
        Map<String, Object> r;
        try {
          r = runOne(s, server);
        } catch (Exception e) {
          r = new LinkedHashMap<>();
          r.put("server", server);
          r.put("error", String.valueOf(e));
          log("%s %s: FAILED %s", s.id(), server, e);
        }
        results.add(r);
        log("%s %s: %s", s.id(), server, summary(r));
      }
      doc.put("results", results);
      all.add(doc);
      if (!options.inProcess()) {
        Path img = options.out().resolve("img");
        Files.createDirectories(img);
        JSON.writeValue(img.resolve("bench-" + s.id() + ".json").toFile(), doc);
        Report.write(options.out());
      }
    }
    return all;
  }

  static String summary(Map<String, Object> r) {
    StringBuilder b = new StringBuilder();
    for (String k : List.of("deliveredPct", "deliveriesPerSec", "p50Ms", "p99Ms", "p999Ms",
        "connectP99Ms", "serverCpuPct", "generatorCpuPct", "heapPerStreamBytes", "threads",
        "closedByServer", "publishedPerSec", "error")) {
      if (r.containsKey(k)) {
        b.append(k).append('=').append(r.get(k)).append(' ');
      }
    }
    return b.toString();
  }

  private static void log(String fmt, Object... args) {
    System.out.printf(Locale.ROOT, "[%tT] " + fmt + "%n", prepend(Instant.now().atZone(java.time.ZoneOffset.UTC), args));
    System.out.flush();
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] a = new Object[rest.length + 1];
    a[0] = first;
    System.arraycopy(rest, 0, a, 1, rest.length);
    return a;
  }

  // ---- one server, one scenario ---------------------------------------------------------------

  Map<String, Object> runOne(Scenario s, String kind) throws Exception {
    try (Srv srv = options.inProcess() ? new InProcessServer(kind) : new ProcessServer(kind, options.out())) {
      URI control = URI.create("http://127.0.0.1:" + srv.controlPort());
      Map<String, Object> base = get(control, "/gc");
      int gens = options.inProcess() ? 1
          : Math.max(2, (s.connections() + MAX_CONNECTIONS_PER_GENERATOR - 1) / MAX_CONNECTIONS_PER_GENERATOR);
      List<Gen> generators = new ArrayList<>();
      List<int[]> split = new ArrayList<>(); // {first, stable, slow}
      int first = 0;
      try {
        for (int g = 0; g < gens; g++) {
          int stable = share(s.stable(), gens, g);
          int slow = share(s.slow(), gens, g);
          List<InetAddress> sources = new ArrayList<>();
          for (int a = 0; a < 3; a++) {
            sources.add(InetAddress.getByName("127.0.0." + (2 + 3 * g + a)));
          }
          Generator.Config c = new Generator.Config("127.0.0.1", srv.port(), sources, 2, stable, slow,
              s.topics(), first, s.connectRate() / gens, s.churn() / gens, 1000);
          split.add(new int[] {first, stable, slow});
          first += stable + slow;
          generators.add(options.inProcess() ? new InProcessGen(c) : new ProcessGen(c, options.out(), g));
        }
        long rampStart = System.nanoTime();
        for (Gen g : generators) {
          g.await();
        }
        double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Object> st = get(control, "/stats");
        while (GenReport.num(st, "subscribers") < s.connections() && System.nanoTime() < deadline) {
          Thread.sleep(200); // benchmark pacing, not test synchronisation
          st = get(control, "/stats");
        }
        if (!s.idle()) {
          // warm up: JIT-compile the publish and write paths before measuring
          double warm = options.inProcess() ? 1 : 5;
          get(control, String.format(Locale.ROOT,
              "/publish?topics=%d&rate=%s&size=%d&poisson=%s&seconds=%s",
              s.topics(), s.rate(), s.size(), s.poisson(), warm));
          Thread.sleep((long) (warm * 1000) + 1000);
          get(control, "/stop");
        }
        Map<String, Object> gcStart = get(control, "/gc");
        for (Gen g : generators) {
          g.reset();
        }
        Map<String, Object> before = get(control, "/stats");
        long t0 = System.nanoTime();
        GenReport atEnd = new GenReport();
        Map<String, Object> after;
        if (s.idle()) {
          Thread.sleep((long) (s.seconds() * 1000));
          for (Gen g : generators) {
            atEnd.merge(g.report());
          }
          after = get(control, "/stats");
        } else {
          get(control, String.format(Locale.ROOT,
              "/publish?topics=%d&rate=%s&size=%d&poisson=%s&seconds=%s&sampleWriters=%s",
              s.topics(), s.rate(), s.size(), s.poisson(), s.seconds(), s.slow() > 0 || s.churn() > 0));
          Thread.sleep((long) (s.seconds() * 1000));
          for (Gen g : generators) {
            atEnd.merge(g.report());
          }
          after = get(control, "/stop");
          // drain: until nothing more arrives for a second (at most 30 s)
          long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          long last = -1;
          while (System.nanoTime() < drainEnd) {
            Thread.sleep(options.inProcess() ? 500 : 1000);
            long delivered = 0;
            for (Gen g : generators) {
              delivered += g.report().delivered;
            }
            if (delivered == last) {
              break;
            }
            last = delivered;
          }
        }
        double window = (System.nanoTime() - t0) / 1e9;
        GenReport fin = new GenReport();
        for (Gen g : generators) {
          fin.merge(g.report());
        }
        Map<String, Object> end = get(control, "/stats");
        Map<String, Object> gc = get(control, "/gc");
        Map<String, Object> r =
            result(kind, s, split, base, before, after, end, gc, atEnd, fin, window, rampSeconds);
        r.put("heapAfterGcStartMB", round(GenReport.num(gcStart, "heapUsed") / 1048576.0, 1));
        return r;
      } finally {
        for (Gen g : generators) {
          try {
            g.close();
          } catch (Exception e) {
            log("generator close failed: %s", e);
          }
        }
      }
    }
  }

  static int share(int total, int parts, int i) {
    return total / parts + (i < total % parts ? 1 : 0);
  }

  private Map<String, Object> result(String kind, Scenario s, List<int[]> split,
      Map<String, Object> base, Map<String, Object> before, Map<String, Object> after,
      Map<String, Object> end, Map<String, Object> gc, GenReport atEnd, GenReport fin,
      double window, double rampSeconds) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("server", kind);
    long expected = 0;
    if (!s.idle()) {
      long[] perTopic = JSON.convertValue(after.get("perTopic"), long[].class);
      long[] subs = new long[s.topics()];
      for (int[] g : split) {
        for (int i = g[0]; i < g[0] + g[1]; i++) {
          subs[i % s.topics()]++;
        }
      }
      for (int t = 0; t < s.topics(); t++) {
        expected += perTopic[t] * subs[t];
      }
      r.put("published", GenReport.num(after, "published"));
      r.put("publishedPerSec", round(GenReport.num(after, "published") / s.seconds(), 1));
      r.put("publisherMaxLagMs", after.get("publisherMaxLagMillis"));
      r.put("publishErrors", GenReport.num(after, "publishErrors"));
    }
    r.put("expected", expected);
    r.put("delivered", fin.delivered);
    r.put("deliveredPct", expected == 0 ? null : round(100.0 * fin.delivered / expected, 2));
    r.put("deliveriesPerSec", s.idle() ? 0 : Math.round(atEnd.delivered / s.seconds()));
    r.put("offeredPerSec", Math.round(s.rate() * s.stable() / s.topics()));
    r.put("offeredPublishesPerSec", s.rate());
    Histogram lat = fin.latency;
    r.put("events", lat.getTotalCount());
    r.put("p50Ms", ms(lat.getValueAtPercentile(50)));
    r.put("p99Ms", ms(lat.getValueAtPercentile(99)));
    r.put("p999Ms", ms(lat.getValueAtPercentile(99.9)));
    r.put("maxMs", ms(lat.getMaxValue()));
    Histogram con = fin.connect;
    r.put("connected", fin.connected);
    r.put("slowConnected", fin.slowConnected);
    r.put("connectFailed", fin.failed);
    r.put("closedByServer", fin.closedByServer);
    r.put("connectP50Ms", ms(con.getValueAtPercentile(50)));
    r.put("connectP99Ms", ms(con.getValueAtPercentile(99)));
    r.put("rampSeconds", round(rampSeconds, 1));
    r.put("churnConnects", fin.churnConnects);
    r.put("churnFailed", fin.churnFailed);
    long cpu = GenReport.num(end, "cpuNanos") - GenReport.num(before, "cpuNanos");
    r.put("serverCpuPct", round(100.0 * cpu / (window * 1e9), 1));
    r.put("generatorCpuPct", round(100.0 * fin.cpuNanos / (window * 1e9), 1));
    long conns = Math.max(1, fin.connected + fin.slowConnected);
    long heap = GenReport.num(gc, "heapUsed");
    long heapBase = GenReport.num(base, "heapUsed");
    r.put("heapAfterGcMB", round(heap / 1048576.0, 1));
    r.put("heapPerStreamBytes", Math.round((heap - heapBase) / (double) conns));
    long direct = GenReport.num(gc, "directUsed");
    r.put("directMB", round(direct / 1048576.0, 1));
    r.put("directPerStreamBytes", Math.round((direct - GenReport.num(base, "directUsed")) / (double) conns));
    r.put("rssMB", round(GenReport.num(end, "rss") / 1048576.0, 1));
    r.put("threads", GenReport.num(end, "threads"));
    r.put("threadGroups", end.get("threadGroups"));
    r.put("gcPauses", GenReport.num(end, "gcCount") - GenReport.num(before, "gcCount"));
    r.put("gcPauseMs", GenReport.num(end, "gcPauseMillis") - GenReport.num(before, "gcPauseMillis"));
    r.put("gcMaxPauseMs", GenReport.num(end, "gcMaxPauseMillis"));
    r.put("maxThreadsBlockedInWrite", GenReport.num(end, "maxThreadsBlockedInWrite"));
    r.put("windowSeconds", round(window, 1));
    r.put("lastError", fin.lastError);
    r.put("latencyHistogram", GenReport.encode(lat));
    r.put("connectHistogram", GenReport.encode(con));
    return r;
  }

  static double ms(long micros) {
    return round(micros / 1000.0, 2);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private Map<String, Object> get(URI control, String path) throws IOException, InterruptedException {
    HttpResponse<String> resp = http.send(
        HttpRequest.newBuilder(control.resolve(path)).timeout(Duration.ofSeconds(120)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IOException("control " + path + " answered " + resp.statusCode() + ": " + resp.body());
    }
    return JSON.readValue(resp.body(), new TypeReference<Map<String, Object>>() {});
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    String model = "unknown";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // keep unknown
    }
    m.put("cpu", model);
    m.put("memoryGB", round(((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 1e9, 1));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("serverFlags", String.join(" ", SERVER_FLAGS));
    return m;
  }

  // ---- server and generator handles -----------------------------------------------------------

  interface Srv extends AutoCloseable {
    int port();

    int controlPort();
  }

  interface Gen extends AutoCloseable {
    void await() throws Exception;

    void reset() throws Exception;

    GenReport report() throws Exception;
  }

  static List<String> java(List<String> flags, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  static final class InProcessServer implements Srv {
    final ServerHost host;

    InProcessServer(String kind) throws Exception {
      host = new ServerHost(kind, 0, HEARTBEAT, () -> {});
    }

    @Override
    public int port() {
      return host.port;
    }

    @Override
    public int controlPort() {
      return host.controlPort;
    }

    @Override
    public void close() throws Exception {
      host.close();
    }
  }

  static final class ProcessServer implements Srv {
    final Process process;
    final int port;
    final int controlPort;

    ProcessServer(String kind, Path out) throws IOException {
      Path logs = Path.of("target", "bench-logs");
      Files.createDirectories(logs);
      List<String> flags = new ArrayList<>(SERVER_FLAGS);
      String extra = System.getProperty("bench.serverFlags", "").replace("{kind}", kind);
      if (!extra.isBlank()) {
        flags.addAll(List.of(extra.trim().split("\\s+"))); // e.g. a JFR recording, for profiling
      }
      process = new ProcessBuilder(java(flags, "server", "--kind", kind,
              "--heartbeat", Long.toString(HEARTBEAT.toSeconds())))
          .redirectError(logs.resolve("server-" + kind + ".log").toFile())
          .start();
      BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      for (int skip = 0; line != null && !line.startsWith("READY ") && skip < 100; skip++) {
        line = r.readLine(); // JVM diagnostics on stdout (e.g. a JFR recording starting)
      }
      if (line == null || !line.startsWith("READY ")) {
        process.destroyForcibly();
        throw new IOException("server " + kind + " did not start: " + line + " (see " + logs + ")");
      }
      String[] parts = line.split(" ");
      port = Integer.parseInt(parts[1]);
      controlPort = Integer.parseInt(parts[2]);
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public int controlPort() {
      return controlPort;
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static final class InProcessGen implements Gen {
    final Generator g;

    InProcessGen(Generator.Config c) {
      g = new Generator(c);
      g.start();
    }

    @Override
    public void await() throws Exception {
      if (!g.awaitConnected(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("generator did not finish connecting");
      }
    }

    @Override
    public void reset() {
      g.reset();
    }

    @Override
    public GenReport report() {
      return g.report();
    }

    @Override
    public void close() {
      g.close();
    }
  }

  static final class ProcessGen implements Gen {
    final Process process;
    final BufferedReader in;
    final PrintWriter out;

    ProcessGen(Generator.Config c, Path outDir, int index) throws IOException {
      Path logs = Path.of("target", "bench-logs");
      Files.createDirectories(logs);
      List<String> sources = new ArrayList<>();
      for (InetAddress a : c.sources()) {
        sources.add(a.getHostAddress());
      }
      process = new ProcessBuilder(java(GEN_FLAGS, "gen", "--host", c.host(), "--port",
              Integer.toString(c.port()), "--sources", String.join(",", sources), "--selectors",
              Integer.toString(c.selectors()), "--stable", Integer.toString(c.stable()), "--slow",
              Integer.toString(c.slow()), "--topics", Integer.toString(c.topics()), "--first",
              Integer.toString(c.firstIndex()), "--connect-rate", Double.toString(c.connectsPerSecond()),
              "--churn", Double.toString(c.churnPerSecond()), "--churn-lifetime",
              Long.toString(c.churnLifetimeMillis())))
          .redirectError(logs.resolve("gen-" + index + ".log").toFile())
          .start();
      in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      out = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    private String command(String c) throws IOException {
      out.println(c);
      String line = in.readLine();
      if (line == null) {
        throw new UncheckedIOException(new IOException("generator exited (see target/bench-logs)"));
      }
      return line;
    }

    @Override
    public void await() throws IOException {
      String r = command("await");
      if (!r.equals("CONNECTED")) {
        throw new IOException("generator: " + r);
      }
    }

    @Override
    public void reset() throws IOException {
      command("reset");
    }

    @Override
    public GenReport report() throws IOException {
      return GenReport.fromMap(JSON.readValue(command("report"), new TypeReference<Map<String, Object>>() {}));
    }

    @Override
    public void close() throws Exception {
      try {
        out.println("quit");
      } finally {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }
}
