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
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Runs scenarios against servers in turn: for each server a fresh server JVM and two or more
 * generator JVMs (or, for the smoke test, everything in this JVM), then writes the raw results
 * and the report.
 */
final class Runner {

  /**
   * What to run.
   *
   * @param limitSeconds the hard limit of one server's run of a scenario (0: {@link
   *     #limitSeconds(Scenario)}); a run that exceeds it is stopped and recorded as not finished
   * @param steps the most steps of a maximum-throughput scenario (0: the scenario's own)
   */
  record Options(
      List<String> scenarios,
      List<String> servers,
      double scale,
      double seconds,
      Path out,
      boolean inProcess,
      double limitSeconds,
      int steps) {

    Options(List<String> scenarios, List<String> servers, double scale, double seconds, Path out,
        boolean inProcess, double limitSeconds) {
      this(scenarios, servers, scale, seconds, out, inProcess, limitSeconds, 0);
    }

    Options(List<String> scenarios, List<String> servers, double scale, double seconds, Path out,
        boolean inProcess) {
      this(scenarios, servers, scale, seconds, out, inProcess, 0);
    }
  }

  /** The server JVM's collectors, by their {@code -Dbench.gc} name. */
  static final Map<String, String> GCS = Map.of(
      "g1", "-XX:+UseG1GC",
      "zgc", "-XX:+UseZGC",
      "parallel", "-XX:+UseParallelGC",
      "shenandoah", "-XX:+UseShenandoahGC");

  /**
   * The flags of every server JVM: the collector from {@code -Dbench.gc} (default {@code g1}) and
   * the request pool maximum from {@code -Dbench.maxThreads} (default 200), passed on so that the
   * flags printed in the report say everything that was chosen.
   */
  static final List<String> SERVER_FLAGS = serverFlags();

  static List<String> serverFlags() {
    String gc = System.getProperty("bench.gc", "g1").toLowerCase(Locale.ROOT);
    String flag = GCS.get(gc);
    if (flag == null) {
      throw new IllegalArgumentException("bench.gc must be one of " + GCS.keySet() + ", got " + gc);
    }
    return List.of("-Xms256m", "-Xmx3g", flag, "-XX:MaxDirectMemorySize=1g", "-Xss512k",
        "-Dbench.maxThreads=" + ServerHost.maxThreads(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
  }

  /** Warm-up publishing before the window, in seconds (and one more second to settle). */
  static final double WARM_UP_SECONDS = 5;
  /**
   * The longest the warm-up goes on after {@link #WARM_UP_SECONDS} while the server's JIT is still
   * compiling: a window that starts while the compilers take a core measures them, not the server.
   */
  static final double WARM_UP_MAX_EXTRA_SECONDS = 40;
  /** The JIT counts as settled when it compiled for less than this in the last second. */
  static final long JIT_SETTLED_MILLIS_PER_SECOND = 20;
  /** The longest the runner waits after the window for deliveries to stop. */
  static final double DRAIN_MAX_SECONDS = 30;
  /** The longest the runner waits after the ramp for the server to count every stream. */
  static final double SUBSCRIBE_WAIT_SECONDS = 30;
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
      Scenario s = Scenario.of(id, options.scale(), options.seconds()).withSteps(options.steps());
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("scenario", s.id());
      doc.put("title", s.title());
      doc.put("params", s);
      doc.put("scale", options.scale());
      doc.put("machine", machine());
      doc.put("date", Instant.now().toString());
      double limit = options.limitSeconds() > 0 ? options.limitSeconds() : limitSeconds(s);
      doc.put("limitSeconds", limit);
      doc.put("serversPlanned", options.servers());
      List<Map<String, Object>> results = new ArrayList<>();
      doc.put("results", results);
      for (String server : options.servers()) {
        log("%s %s: starting (%d stable, %d slow, %d topics, %.0f publishes/s, %.0f s, limit %.0f s)",
            s.id(), server, s.stable(), s.slow(), s.topics(), s.rate(), s.seconds(), limit);
        Map<String, Object> r = runBounded(s, server, limit);
        results.add(r);
        log("%s %s: %s", s.id(), server, summary(r));
        // after every server, so that a runner that dies later keeps what was measured
        write(s, doc);
      }
      all.add(doc);
    }
    return all;
  }

  private void write(Scenario s, Map<String, Object> doc) throws IOException {
    if (options.inProcess()) {
      return;
    }
    Path img = options.out().resolve("img");
    Files.createDirectories(img);
    Path file = img.resolve("bench-" + s.id() + ".json");
    Path tmp = img.resolve("bench-" + s.id() + ".json.tmp");
    JSON.writeValue(tmp.toFile(), doc);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Report.write(options.out());
  }

  /**
   * The automatic hard limit of one server's run: three times the nominal ramp (at least a minute),
   * the wait for the server to count the streams, warm-up, window (each step's, with its drain, in a
   * maximum-throughput run), drain, and three minutes.
   */
  static double limitSeconds(Scenario s) {
    double ramp = Math.max(60, 3 * s.connections() / s.connectRate());
    double warm = s.idle() ? 0 : WARM_UP_SECONDS + WARM_UP_MAX_EXTRA_SECONDS + 1 + DRAIN_MAX_SECONDS;
    double windows = Math.max(1, s.steps()) * (s.seconds() + (s.steps() > 0 ? DRAIN_MAX_SECONDS : 0));
    return Math.ceil(ramp + SUBSCRIBE_WAIT_SECONDS + warm + windows + 180);
  }

  /**
   * Runs {@link #runOne} on its own thread and gives it {@code limitSeconds}. A run that takes
   * longer (a server whose broadcast blocks on a client, a ramp that never completes) is recorded
   * with what can still be read from the server and the generators, then its server and
   * generators are killed, so that the next server runs on a clean machine.
   */
  Map<String, Object> runBounded(Scenario s, String kind, double limitSeconds) {
    Attempt a = new Attempt();
    AtomicReference<Map<String, Object>> done = new AtomicReference<>();
    AtomicReference<Exception> failed = new AtomicReference<>();
    long started = System.nanoTime();
    Thread t = new Thread(() -> {
      try {
        done.set(runOne(s, kind, a));
      } catch (Exception e) {
        failed.set(e);
      }
    }, "bench-run-" + kind);
    t.setDaemon(true);
    t.start();
    try {
      t.join((long) (limitSeconds * 1000));
      if (!t.isAlive()) {
        if (failed.get() != null) {
          log("%s %s: FAILED %s", s.id(), kind, failed.get());
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("server", kind);
          r.put("error", String.valueOf(failed.get()));
          return r;
        }
        return done.get();
      }
      double elapsed = (System.nanoTime() - started) / 1e9;
      log("%s %s: did not finish within %.0f s (in %s); collecting what it reached, then stopping it",
          s.id(), kind, limitSeconds, a.phase);
      Map<String, Object> r = salvage(s, kind, a, limitSeconds, elapsed);
      a.abort(kind);
      t.interrupt();
      t.join(30_000);
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      a.abort(kind);
      throw new IllegalStateException("interrupted while running " + kind, e);
    }
  }

  /** Reads what a run that must be stopped reached, each reading bounded by a few seconds. */
  private Map<String, Object> salvage(Scenario s, String kind, Attempt a, double limit, double elapsed)
      throws InterruptedException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("server", kind);
    r.put("didNotFinish", true);
    r.put("phase", a.phase);
    r.put("limitSeconds", limit);
    r.put("elapsedSeconds", round(elapsed, 1));
    if (a.rampSeconds >= 0) {
      r.put("rampSeconds", round(a.rampSeconds, 1));
    }
    if (a.heapAfterGcStartMB >= 0) {
      r.put("heapAfterGcStartMB", a.heapAfterGcStartMB);
    }
    Thread reader = new Thread(() -> {
      GenReport fin = new GenReport();
      int read = 0;
      for (Gen g : a.generators) {
        try {
          fin.merge(g.tryReport(5_000));
          read++;
        } catch (Exception e) {
          log("%s: generator report failed: %s", kind, e);
        }
      }
      if (read > 0) {
        synchronized (r) {
          r.put("generatorsRead", read + " of " + a.generators.size());
          r.put("connected", fin.connected);
          r.put("slowConnected", fin.slowConnected);
          r.put("connectFailed", fin.failed);
          r.put("closedByServer", fin.closedByServer);
          r.put("churnConnects", fin.churnConnects);
          r.put("churnFailed", fin.churnFailed);
          r.put("connectP99Ms", ms(fin.connect.getValueAtPercentile(99)));
          if (a.windowStart != 0) {
            // delivered since the window started; latencies only of what did arrive
            r.put("delivered", fin.delivered);
            r.put("events", fin.latency.getTotalCount());
            r.put("p50Ms", ms(fin.latency.getValueAtPercentile(50)));
            r.put("p99Ms", ms(fin.latency.getValueAtPercentile(99)));
            r.put("maxMs", ms(fin.latency.getMaxValue()));
          }
        }
      }
      URI control = a.control;
      if (control != null) {
        try {
          Map<String, Object> st = get(control, "/stats", Duration.ofSeconds(5));
          synchronized (r) {
            r.put("threads", GenReport.num(st, "threads"));
            r.put("rssMB", round(GenReport.num(st, "rss") / 1048576.0, 1));
            r.put("heapUsedMB", round(GenReport.num(st, "heapUsed") / 1048576.0, 1));
            r.put("maxThreadsBlockedInWrite", GenReport.num(st, "maxThreadsBlockedInWrite"));
            r.put("threadGroups", st.get("threadGroups"));
            if (a.windowStart != 0 && st.get("perTopic") != null && a.split != null) {
              double window = (System.nanoTime() - a.windowStart) / 1e9;
              long published = GenReport.num(st, "published");
              r.put("published", published);
              r.put("publishedPerSec", round(published / Math.min(window, s.seconds()), 1));
              r.put("publisherMaxLagMs", st.get("publisherMaxLagMillis"));
              long expected = expected(s, a.split, st);
              r.put("expected", expected);
              Object delivered = r.get("delivered");
              if (delivered instanceof Long d && expected > 0) {
                r.put("deliveredPct", round(100.0 * d / expected, 2));
              }
            }
          }
        } catch (Exception e) {
          log("%s: server stats failed: %s", kind, e);
        }
      }
    }, "bench-salvage");
    reader.setDaemon(true);
    reader.start();
    reader.join(20_000);
    synchronized (r) {
      return new LinkedHashMap<>(r);
    }
  }

  /** Events published to each topic so far × the stable subscribers of that topic. */
  private static long expected(Scenario s, List<int[]> split, Map<String, Object> stats) {
    long[] perTopic = JSON.convertValue(stats.get("perTopic"), long[].class);
    long[] subs = new long[s.topics()];
    for (int[] g : split) {
      for (int i = g[0]; i < g[0] + g[1]; i++) {
        subs[i % s.topics()]++;
      }
    }
    long expected = 0;
    for (int t = 0; t < s.topics() && t < perTopic.length; t++) {
      expected += perTopic[t] * subs[t];
    }
    return expected;
  }

  /**
   * How far one server's run got, and how to stop it: written by the run's thread, read by the
   * runner's thread when the run exceeds its limit.
   */
  static final class Attempt {
    volatile String phase = "server start";
    volatile URI control;
    volatile List<int[]> split;
    volatile double rampSeconds = -1;
    volatile double heapAfterGcStartMB = -1;
    /** Seconds the warm-up published, or -1 (idle scenarios have none). */
    volatile double warmUpSeconds = -1;
    volatile long windowStart;
    final List<Gen> generators = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<AutoCloseable> killers = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile Process serverProcess;

    void onAbort(AutoCloseable kill) {
      killers.add(kill);
    }

    /** Saves the server's threads for the post-mortem, then kills the server and generators. */
    void abort(String kind) {
      Process p = serverProcess;
      if (p != null && p.isAlive()) {
        Path dump = Path.of("target", "bench-logs", "server-" + kind + "-did-not-finish-threads.txt");
        try {
          Process jcmd = new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(p.pid()), "Thread.print")
              .redirectErrorStream(true)
              .redirectOutput(dump.toFile())
              .start();
          if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
          }
          log("%s: thread dump in %s", kind, dump);
        } catch (IOException | RuntimeException e) {
          log("%s: no thread dump: %s", kind, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (AutoCloseable k : killers) {
        try {
          k.close();
        } catch (Exception e) {
          log("%s: stopping failed: %s", kind, e);
        }
      }
    }
  }

  static String summary(Map<String, Object> r) {
    StringBuilder b = new StringBuilder();
    for (String k : List.of("deliveredPct", "deliveriesPerSec", "p50Ms", "p99Ms", "p999Ms",
        "connectP99Ms", "serverCpuPct", "generatorCpuPct", "heapPerStreamBytes", "threads",
        "closedByServer", "serverSlowClosed", "slowClosedAt", "publishedPerSec", "heapAfterGcStartMB",
        "heapAfterGcMB", "heapGrowthMB",
        "maxThreadsBlockedInWrite", "warmUpSeconds", "jitMsInWindow", "didNotFinish", "phase", "error")) {
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

  Map<String, Object> runOne(Scenario s, String kind, Attempt a) throws Exception {
    try (Srv srv = options.inProcess() ? new InProcessServer(kind, a) : new ProcessServer(kind, a)) {
      URI control = URI.create("http://127.0.0.1:" + srv.controlPort());
      a.control = control;
      a.phase = "ramp";
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
          for (int k = 0; k < 3; k++) {
            sources.add(InetAddress.getByName("127.0.0." + (2 + 3 * g + k)));
          }
          Generator.Config c = new Generator.Config("127.0.0.1", srv.port(), sources, 2, stable, slow,
              s.topics(), first, s.connectRate() / gens, s.churn() / gens, 1000, s.hot());
          split.add(new int[] {first, stable, slow});
          first += stable + slow;
          Gen gen = options.inProcess() ? new InProcessGen(c, a) : new ProcessGen(c, g, a);
          generators.add(gen);
          a.generators.add(gen);
        }
        a.split = split;
        long rampStart = System.nanoTime();
        for (Gen g : generators) {
          g.await();
        }
        double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
        a.rampSeconds = rampSeconds;
        a.phase = "waiting for the server to count the streams";
        long deadline = System.nanoTime() + (long) (SUBSCRIBE_WAIT_SECONDS * 1e9);
        Map<String, Object> st = get(control, "/stats");
        while (GenReport.num(st, "subscribers") < s.connections() && System.nanoTime() < deadline) {
          Thread.sleep(200); // benchmark pacing, not test synchronisation
          st = get(control, "/stats");
        }
        if (!s.idle()) {
          // warm up: JIT-compile the publish and write paths before measuring
          a.phase = "warm-up";
          a.warmUpSeconds = warmUp(s, control);
        }
        a.phase = "GC before the window";
        Map<String, Object> gcStart = get(control, "/gc");
        a.heapAfterGcStartMB = round(GenReport.num(gcStart, "heapUsed") / 1048576.0, 1);
        Map<String, Object> r;
        if (s.steps() > 0) {
          r = steps(s, kind, control, generators, split, base, rampSeconds, a);
        } else {
          Window w = window(s, control, generators, a);
          Map<String, Object> gc = get(control, "/gc");
          r = result(kind, s, split, base, w.before, w.after, w.end, gc, w.atEnd, w.fin, w.seconds, rampSeconds);
          r.put("heapGrowthMB", round(GenReport.num(gc, "heapUsed") / 1048576.0 - a.heapAfterGcStartMB, 1));
        }
        r.put("heapAfterGcStartMB", a.heapAfterGcStartMB);
        if (a.warmUpSeconds >= 0) {
          r.put("warmUpSeconds", a.warmUpSeconds);
        }
        a.phase = "stopping the server";
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

  /**
   * Publishes at the scenario's rate for {@link #WARM_UP_SECONDS}, then on, a second at a time,
   * until the server's JIT compiled for less than {@link #JIT_SETTLED_MILLIS_PER_SECOND} in the
   * last second (at most {@link #WARM_UP_MAX_EXTRA_SECONDS} more), then one second without
   * publishing. The same rule for every server: a large stack (a servlet container, Spring) is
   * still compiling its request and write paths after a few seconds on two shared cores, and a
   * window that starts then counts the compiler threads' CPU and the slower interpreted code.
   *
   * @return the seconds it published
   */
  private double warmUp(Scenario s, URI control) throws Exception {
    boolean adaptive = !options.inProcess(); // in process, the JIT time is the whole test JVM's
    double min = adaptive ? WARM_UP_SECONDS : 1;
    double max = adaptive ? min + WARM_UP_MAX_EXTRA_SECONDS : min;
    long t0 = System.nanoTime();
    get(control, String.format(Locale.ROOT,
        "/publish?topics=%d&rate=%s&size=%d&poisson=%s&seconds=%s&hot=%d",
        s.topics(), s.rate(), s.size(), s.poisson(), max, s.hot()));
    Thread.sleep((long) (min * 1000)); // benchmark pacing, not test synchronisation
    long jit = GenReport.num(get(control, "/stats"), "jitMillis");
    while (adaptive && jit >= 0 && (System.nanoTime() - t0) / 1e9 < max) {
      Thread.sleep(1000); // pacing: one reading of the server's JIT time a second
      long now = GenReport.num(get(control, "/stats"), "jitMillis");
      if (now - jit < JIT_SETTLED_MILLIS_PER_SECOND) {
        break;
      }
      jit = now;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    get(control, "/stop");
    Thread.sleep(1000); // pacing: the last warm-up events reach the clients before the GC
    return round(seconds, 1);
  }

  static int share(int total, int parts, int i) {
    return total / parts + (i < total % parts ? 1 : 0);
  }

  /**
   * What one window measured: the server's stats before it, when the publisher stopped and at the
   * end; the generators' reports when the publisher stopped and after the drain.
   */
  record Window(Map<String, Object> before, Map<String, Object> after, Map<String, Object> end,
      GenReport atEnd, GenReport fin, double seconds) {}

  /**
   * One window: the generators reset, then (unless {@code s} is idle) {@code s.rate()} publishes/s
   * for {@code s.seconds()}, and the drain until nothing more arrives for a second (at most {@link
   * #DRAIN_MAX_SECONDS}).
   */
  private Window window(Scenario s, URI control, List<Gen> generators, Attempt a) throws Exception {
    for (Gen g : generators) {
      g.reset();
    }
    Map<String, Object> before = get(control, "/stats");
    long t0 = System.nanoTime();
    a.windowStart = t0;
    a.phase = "window";
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
          "/publish?topics=%d&rate=%s&size=%d&poisson=%s&seconds=%s&sampleWriters=%s&hot=%d",
          s.topics(), s.rate(), s.size(), s.poisson(), s.seconds(), s.slow() > 0 || s.churn() > 0,
          s.hot()));
      Thread.sleep((long) (s.seconds() * 1000));
      for (Gen g : generators) {
        atEnd.merge(g.report());
      }
      a.phase = "stopping the publisher";
      after = get(control, "/stop");
      a.phase = "drain";
      long drainEnd = System.nanoTime() + (long) (DRAIN_MAX_SECONDS * 1e9);
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
    double seconds = (System.nanoTime() - t0) / 1e9;
    a.phase = "collecting";
    GenReport fin = new GenReport();
    for (Gen g : generators) {
      fin.merge(g.report());
    }
    return new Window(before, after, get(control, "/stats"), atEnd, fin, seconds);
  }

  /** A delivery counts as on time in a maximum-throughput step when it arrives within this. */
  static final long ON_TIME_MICROS = 2_000_000;
  /** A step keeps up when at least this share of its deliveries arrived on time. */
  static final double KEEPS_UP_PCT = 99;
  /** The publisher is the bound when its publish calls took at least this share of the window. */
  static final double PUBLISHER_BOUND_PCT = 90;

  /**
   * A maximum-throughput run on the streams already connected: windows at {@code s.rate()}, then
   * each at {@link Scenario#STEP_FACTOR} times the one before, until a step does not keep up (fewer
   * than {@link #KEEPS_UP_PCT}% of the deliveries it called for arrived within {@link
   * #ON_TIME_MICROS} of their intended publish time), or the publisher is the bound, or the steps
   * run out. The server's maximum is the delivered rate of the last step that kept up.
   */
  private Map<String, Object> steps(Scenario s, String kind, URI control, List<Gen> generators,
      List<int[]> split, Map<String, Object> base, double rampSeconds, Attempt a) throws Exception {
    List<Map<String, Object>> steps = new ArrayList<>();
    Map<String, Object> best = null;
    String stop = "step limit (" + s.steps() + " steps)";
    double rate = s.rate();
    for (int k = 0; k < s.steps(); k++, rate *= Scenario.STEP_FACTOR) {
      Scenario at = s.atRate(rate);
      Window w = window(at, control, generators, a);
      Map<String, Object> r =
          result(kind, at, split, base, w.before, w.after, w.end, w.end, w.atEnd, w.fin, w.seconds, rampSeconds);
      // no GC between steps: heap figures of a step would count garbage
      r.keySet().removeAll(List.of("heapAfterGcMB", "heapPerStreamBytes", "directMB", "directPerStreamBytes"));
      long expected = (Long) r.get("expected");
      long onTime = w.fin.latency.getCountBetweenValues(0, ON_TIME_MICROS);
      double onTimePct = expected == 0 ? 0 : round(100.0 * onTime / expected, 2);
      double busyPct = round(100.0 * (GenReport.num(w.after, "publishBusyNanos"))
          / (at.seconds() * 1e9), 1);
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("step", k + 1);
      for (String key : List.of("offeredPublishesPerSec", "publishedPerSec", "offeredPerSec",
          "deliveriesPerSec", "deliveredPct", "p50Ms", "p99Ms", "maxMs", "serverCpuPct",
          "generatorCpuPct", "gcPauses", "gcPauseMs", "closedByServer")) {
        step.put(key, r.get(key));
      }
      step.put("onTimePct", onTimePct);
      step.put("publishBusyPct", busyPct);
      steps.add(step);
      log("%s %s: step %d at %.0f publishes/s: %s onTimePct=%s publishBusyPct=%s", s.id(), kind, k + 1,
          rate, summary(r), onTimePct, busyPct);
      // a publisher that falls behind because the server's threads take the cores shows as latency
      // (measured from the intended publish time), so only a publish call that is itself slow
      // makes the publisher the bound
      if (busyPct >= PUBLISHER_BOUND_PCT) {
        stop = String.format(Locale.ROOT, "publisher-bound at step %d (%.1f of %.0f publishes/s, publish"
            + " calls %.1f%% of the window)", k + 1, Report.num(r.get("publishedPerSec")), rate, busyPct);
        break;
      }
      if (onTimePct < KEEPS_UP_PCT) {
        stop = String.format(Locale.ROOT, "server-bound at step %d (%.2f%% on time; CPU server %.0f%%,"
            + " generators %.0f%% of one core)", k + 1, onTimePct, Report.num(r.get("serverCpuPct")),
            Report.num(r.get("generatorCpuPct")));
        break;
      }
      best = r;
      best.put("maxStep", k + 1);
      best.put("onTimePct", onTimePct);
    }
    Map<String, Object> r = best != null ? best : new LinkedHashMap<>(Map.of("server", kind, "maxStep", 0));
    r.put("maxDeliveriesPerSec", best == null ? 0 : best.get("deliveriesPerSec"));
    r.put("stopReason", stop);
    r.put("steps", steps);
    return r;
  }

  private Map<String, Object> result(String kind, Scenario s, List<int[]> split,
      Map<String, Object> base, Map<String, Object> before, Map<String, Object> after,
      Map<String, Object> end, Map<String, Object> gc, GenReport atEnd, GenReport fin,
      double window, double rampSeconds) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("server", kind);
    long expected = 0;
    if (!s.idle()) {
      expected = expected(s, split, after);
      r.put("published", GenReport.num(after, "published"));
      r.put("publishedPerSec", round(GenReport.num(after, "published") / s.seconds(), 1));
      r.put("publisherMaxLagMs", after.get("publisherMaxLagMillis"));
      r.put("publishErrors", GenReport.num(after, "publishErrors"));
      long slowBefore = GenReport.num(before, "slowConsumersClosed");
      long slowAfter = GenReport.num(after, "slowConsumersClosed");
      r.put("serverSlowClosed", slowAfter < 0 ? "no such bound" : Long.toString(slowAfter - slowBefore));
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
    r.put("slowClosed", fin.slowClosed);
    r.put("slowClosedAt", fin.slowClosedAt());
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
    if (GenReport.num(before, "jitMillis") >= 0) { // -1: this JVM does not time its JIT
      r.put("jitMsInWindow", GenReport.num(end, "jitMillis") - GenReport.num(before, "jitMillis"));
    }
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
    return get(control, path, Duration.ofSeconds(120));
  }

  private Map<String, Object> get(URI control, String path, Duration timeout)
      throws IOException, InterruptedException {
    HttpResponse<String> resp = http.send(
        HttpRequest.newBuilder(control.resolve(path)).timeout(timeout).build(),
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
    m.put("gc", System.getProperty("bench.gc", "g1").toLowerCase(Locale.ROOT));
    m.put("maxThreads", ServerHost.maxThreads());
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

    /** A report, or an exception if the generator is busy or silent for {@code millis}. */
    default GenReport tryReport(long millis) throws Exception {
      return report();
    }
  }

  static List<String> java(List<String> flags, String... args) {
    return java(flags, List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()), args);
  }

  /** A JVM with {@code flags}, started by {@code launch} ({@code -cp path main} or {@code -jar jar}). */
  static List<String> java(List<String> flags, List<String> launch, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.addAll(launch);
    cmd.addAll(List.of(args));
    return cmd;
  }

  static final class InProcessServer implements Srv {
    final ServerHost host;

    InProcessServer(String kind, Attempt a) throws Exception {
      host = new ServerHost(kind, 0, HEARTBEAT, () -> {});
      a.onAbort(host::close);
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

    ProcessServer(String kind, Attempt a) throws IOException {
      Path logs = Path.of("target", "bench-logs");
      Files.createDirectories(logs);
      List<String> flags = new ArrayList<>(SERVER_FLAGS);
      String extra = System.getProperty("bench.serverFlags", "").replace("{kind}", kind);
      if (!extra.isBlank()) {
        flags.addAll(List.of(extra.trim().split("\\s+"))); // e.g. a JFR recording, for profiling
      }
      List<String> launch = List.of("-cp", System.getProperty("java.class.path"), Main.class.getName());
      if (!ServerHost.runsHere(kind)) {
        // a Spring Boot 4 server: its own runnable jar (Spring 7 cannot share this class path)
        Path jar = ServerHost.springBootJar();
        if (!Files.isRegularFile(jar)) {
          throw new IOException("server " + kind + " runs from " + jar + ", which does not exist: build it with"
              + " mvn -B -pl sse-bench-spring -am package -DskipTests, or set -Dbench.springBootJar");
        }
        launch = List.of("-jar", jar.toString());
      }
      List<String> cmd = java(flags, launch, "server", "--kind", kind,
          "--heartbeat", Long.toString(HEARTBEAT.toSeconds()));
      process = new ProcessBuilder(cmd)
          .redirectError(logs.resolve("server-" + kind + ".log").toFile())
          .start();
      a.serverProcess = process;
      a.onAbort(() -> {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      });
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

    InProcessGen(Generator.Config c, Attempt a) {
      g = new Generator(c);
      a.onAbort(g::close);
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

    private final java.util.concurrent.locks.ReentrantLock lock =
        new java.util.concurrent.locks.ReentrantLock();

    ProcessGen(Generator.Config c, int index, Attempt a) throws IOException {
      Path logs = Path.of("target", "bench-logs");
      Files.createDirectories(logs);
      List<String> sources = new ArrayList<>();
      for (InetAddress source : c.sources()) {
        sources.add(source.getHostAddress());
      }
      process = new ProcessBuilder(java(GEN_FLAGS, "gen", "--host", c.host(), "--port",
              Integer.toString(c.port()), "--sources", String.join(",", sources), "--selectors",
              Integer.toString(c.selectors()), "--stable", Integer.toString(c.stable()), "--slow",
              Integer.toString(c.slow()), "--topics", Integer.toString(c.topics()), "--first",
              Integer.toString(c.firstIndex()), "--connect-rate", Double.toString(c.connectsPerSecond()),
              "--churn", Double.toString(c.churnPerSecond()), "--churn-lifetime",
              Long.toString(c.churnLifetimeMillis()), "--hot", Integer.toString(c.hot())))
          .redirectError(logs.resolve("gen-" + index + ".log").toFile())
          .start();
      a.onAbort(() -> {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      });
      in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      out = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    private String command(String c) throws IOException {
      lock.lock();
      try {
        return exchange(c);
      } finally {
        lock.unlock();
      }
    }

    /** One command and its one-line answer; the lock keeps a salvage read from interleaving. */
    private String exchange(String c) throws IOException {
      out.println(c);
      String line = in.readLine();
      if (line == null) {
        throw new UncheckedIOException(new IOException("generator exited (see target/bench-logs)"));
      }
      return line;
    }

    @Override
    public GenReport tryReport(long millis) throws Exception {
      if (!lock.tryLock(millis, TimeUnit.MILLISECONDS)) {
        throw new IOException("generator busy (a command of the run is still waiting)");
      }
      try {
        return GenReport.fromMap(JSON.readValue(exchange("report"), new TypeReference<Map<String, Object>>() {}));
      } finally {
        lock.unlock();
      }
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
