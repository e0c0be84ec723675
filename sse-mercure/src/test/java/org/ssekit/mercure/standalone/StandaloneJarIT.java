package org.ssekit.mercure.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shaded jar started as its own process, as users run it. */
class StandaloneJarIT {

  /** The released conformance suite's token: publish and subscribe on "*", HS256, no exp. */
  static final String CONFORMANCE_TOKEN =
      "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiKiJdLCJzdWJzY3JpYmUiOlsiKiJdfX0.bVXdlWXwfw9ySx7-iV5OpUSHo34RkjUdVzDLBcc6l_g";
  static final String CONFORMANCE_KEY = "!ChangeThisMercureHubJWTSecretKey!";
  private static final Pattern STARTED = Pattern.compile("Mercure hub at http://localhost:(\\d+)/\\.well-known/mercure");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private Process launch(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", System.getProperty("mercure.jar")));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("MERCURE_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private static String javaBin() {
    return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Reads the output until the start line; returns the port and the lines read. */
  private static int awaitStart(Process p, List<String> lines) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      lines.add(line);
      Matcher m = STARTED.matcher(line);
      if (m.find()) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    r.lines().forEach(lines::add);
                  } catch (java.io.UncheckedIOException stopped) {
                    // the process was stopped by the test
                  }
                },
                "jar-output");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the hub did not start: " + lines);
  }

  @Test
  void refusesToStartWithoutAKey() throws Exception {
    Process p = launch(Map.of(), "--port", "0");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("MERCURE_PUBLISHER_JWT_KEY").contains("--dev");
  }

  @Test
  void helpNamesEveryFlagAndVariable() throws Exception {
    Process p = launch(Map.of(), "--help");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).isZero();
    for (String s : List.of("--port", "--broker", "--anonymous", "--cors-origins", "--subscriptions", "--history", "--dev",
        "MERCURE_PUBLISHER_JWT_KEY", "MERCURE_SUBSCRIBER_JWT_KEY", "MERCURE_PUBLISHER_JWT_ALG", "MERCURE_SUBSCRIBER_JWT_ALG",
        "MERCURE_JWT_ISSUERS", "MERCURE_JWT_AUDIENCE", "MERCURE_ANONYMOUS", "MERCURE_CORS_ORIGINS", "MERCURE_SUBSCRIPTIONS", "MERCURE_HISTORY")) {
      assertThat(out).as(s).contains(s);
    }
  }

  @Test
  void devModePrintsAGeneratedKey() throws Exception {
    Process p = launch(Map.of(), "--port", "0", "--dev");
    List<String> lines = new CopyOnWriteArrayList<>();
    awaitStart(p, lines);
    assertThat(lines).anyMatch(l -> l.contains("--dev: generated HS256 key"));
  }

  @Test
  void servesTheWelcomePageHealthAndTheConformanceSuitesFlow() throws Exception {
    Process p = launch(Map.of("MERCURE_PUBLISHER_JWT_KEY", CONFORMANCE_KEY, "MERCURE_ANONYMOUS", "1"), "--port", "0");
    List<String> lines = new CopyOnWriteArrayList<>();
    int port = awaitStart(p, lines);
    assertThat(lines.stream().filter(l -> l.contains("Mercure hub at"))).hasSize(1);
    String base = "http://localhost:" + port;
    HttpResponse<String> welcome = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(welcome.statusCode()).isEqualTo(200);
    assertThat(welcome.body()).contains("/.well-known/mercure");
    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"up\"");

    HttpResponse<java.io.InputStream> stream =
        HTTP.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure?topic=https%3A%2F%2Fexample.net%2Ffoo%2F%7Brandom%7D")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    List<String> received = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8)).lines().forEach(received::add);
              } catch (java.io.UncheckedIOException closedByTheTest) {
                // the test closes the stream when it has what it needs
              }
            });
    reader.setDaemon(true);
    reader.start();
    HttpResponse<String> pub =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/.well-known/mercure"))
                .header("Authorization", "Bearer " + CONFORMANCE_TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("topic=https%3A%2F%2Fexample.net%2Ffoo%2Fabc&id=id-1&data=data%20for%0A%0A%20%20URI%20template"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(pub.statusCode()).isEqualTo(200);
    assertThat(pub.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(pub.body()).isEqualTo("id-1");
    await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("data:   URI template"));
    assertThat(received).containsSubsequence("id: id-1", "data: data for", "data:", "data:   URI template");
    stream.body().close();
  }
}
