package org.ssekit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Command line of the bench.
 *
 * <pre>
 * run    --scenario S1,S2,.. --servers a,b,.. [--scale 1.0] [--seconds N] [--out docs] [--limit S]
 *        [--steps N]  (S3max: the maximum throughput, the offered rate raised ×1.25 a step)
 *        (server JVM: -Dbench.gc=g1|zgc|parallel|shenandoah, -Dbench.maxThreads=N on this JVM)
 * report [--out docs]                      rewrite docs/benchmarks.md and charts from the JSON
 * server --kind K [--port 0] [--heartbeat 15]          (used by run; the Spring Boot kinds
 *                                                      spring-tomcat, ssekit-spring-boot from
 *                                                      sse-bench-spring/target/sse-bench-spring.jar)
 * gen    --port P [--stable N] [--slow N] [--topics T] ... (used by run; commands on stdin)
 * </pre>
 */
public final class Main {
  private Main() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      return;
    }
    Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "run" -> {
        Runner.Options opts =
            new Runner.Options(
                List.of(o.getOrDefault("scenario", "S2").split(",")),
                List.of(o.getOrDefault("servers", String.join(",", ServerHost.KINDS.keySet())).split(",")),
                Double.parseDouble(o.getOrDefault("scale", "1")),
                Double.parseDouble(o.getOrDefault("seconds", "0")),
                Path.of(o.getOrDefault("out", "docs")),
                false,
                Double.parseDouble(o.getOrDefault("limit", "0")),
                Integer.parseInt(o.getOrDefault("steps", "0")));
        new Runner(opts).runAll();
      }
      case "report" -> Report.write(Path.of(o.getOrDefault("out", "docs")));
      case "server" -> server(o);
      case "gen" -> gen(o);
      default -> usage();
    }
  }

  private static void usage() {
    System.out.println(
        "usage: run --scenario S1,..,S5,S3max --servers " + String.join(",", ServerHost.KINDS.keySet())
            + " [--scale 1.0] [--seconds N] [--out docs] [--limit seconds per server] [--steps N]"
            + " | report [--out docs]\n"
            + "  server JVM options, set on this JVM: -Dbench.gc=g1|zgc|parallel|shenandoah (g1),"
            + " -Dbench.maxThreads=N (200)");
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }

  private static void server(Map<String, String> o) throws Exception {
    CountDownLatch quit = new CountDownLatch(1);
    ServerHost host =
        new ServerHost(
            o.get("kind"),
            Integer.parseInt(o.getOrDefault("port", "0")),
            Duration.ofSeconds(Long.parseLong(o.getOrDefault("heartbeat", "15"))),
            quit::countDown);
    try {
      System.out.println("READY " + host.port + " " + host.controlPort);
      System.out.flush();
      Thread stdin =
          new Thread(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // drain until the runner closes our stdin
                  }
                } catch (java.io.IOException ignored) {
                  // runner gone
                }
                quit.countDown();
              },
              "bench-stdin");
      stdin.setDaemon(true);
      stdin.start();
      quit.await();
    } finally {
      try {
        host.close();
      } catch (Exception e) {
        System.err.println("close: " + e);
      }
    }
    System.exit(0);
  }

  private static void gen(Map<String, String> o) throws Exception {
    List<InetAddress> sources = new ArrayList<>();
    for (String s : o.getOrDefault("sources", "").split(",")) {
      if (!s.isBlank()) {
        sources.add(InetAddress.getByName(s));
      }
    }
    Generator.Config c =
        new Generator.Config(
            o.getOrDefault("host", "127.0.0.1"),
            Integer.parseInt(o.get("port")),
            sources,
            Integer.parseInt(o.getOrDefault("selectors", "2")),
            Integer.parseInt(o.getOrDefault("stable", "100")),
            Integer.parseInt(o.getOrDefault("slow", "0")),
            Integer.parseInt(o.getOrDefault("topics", "1")),
            Integer.parseInt(o.getOrDefault("first", "0")),
            Double.parseDouble(o.getOrDefault("connect-rate", "5000")),
            Double.parseDouble(o.getOrDefault("churn", "0")),
            Long.parseLong(o.getOrDefault("churn-lifetime", "1000")),
            Integer.parseInt(o.getOrDefault("hot", "0")));
    ObjectMapper json = new ObjectMapper();
    try (Generator g = new Generator(c)) {
      g.start();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        switch (line.trim()) {
          case "await" -> {
            boolean ok = g.awaitConnected(10, TimeUnit.MINUTES);
            System.out.println(ok ? "CONNECTED" : "TIMEOUT");
          }
          case "reset" -> {
            g.reset();
            System.out.println("OK");
          }
          case "report" -> System.out.println(json.writeValueAsString(g.report().toMap()));
          case "quit" -> {
            System.out.println("BYE");
            System.out.flush();
            System.exit(0);
          }
          default -> System.out.println("ERROR unknown command " + line);
        }
        System.out.flush();
      }
    }
    System.exit(0);
  }
}
