package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ssekit.testkit.BrokerAvailability;

/**
 * Two copies of the packaged jar, as separate processes on two ports, share one broker ({@code
 * --broker URL --broker-prefix <unique>}): views of one post opened on both are each counted once
 * (the consumer group of the "count a view" handler), and the viewers of that post on both
 * instances see every new count. Skipped (or failed under {@code SSEKIT_REQUIRE_BROKERS=1}) when
 * the broker does not answer.
 */
class TwoInstancesIT {

  private static final int VIEWS_ON_A = 7;
  private static final int VIEWS_ON_B = 5;
  private static final Pattern VIEWS = Pattern.compile("<b>(\\d+)</b> views?<");
  private static final Pattern LISTENING = Pattern.compile("ssekit demo: open (http://\\S+/)");
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The brokers the demo runs on, with where the test finds them. */
  enum BrokerServer {
    REDIS("Redis", 6379, "redis://127.0.0.1:6379"),
    NATS("NATS", 4222, "nats://127.0.0.1:4222"),
    POSTGRES(
        "PostgreSQL",
        5432,
        System.getenv().getOrDefault("SSEKIT_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"));

    final String label;
    final int port;
    final String url;

    BrokerServer(String label, int port, String url) {
      this.label = label;
      this.port = port;
      this.url = url;
    }
  }

  private final List<Instance> instances = new ArrayList<>();
  private final List<HttpResponse<Stream<String>>> streams = new ArrayList<>();
  private BrokerServer server;
  private String prefix;

  /** One running jar, its log and, once it listens, its address. */
  private static final class Instance {
    final Process process;
    final Path log;
    volatile @Nullable URI base;

    Instance(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    Process process() {
      return process;
    }

    Path log() {
      return log;
    }

    URI base() {
      return Objects.requireNonNull(base, "not listening yet");
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (HttpResponse<Stream<String>> s : streams) {
      s.body().close();
    }
    for (Instance i : instances) {
      i.process().destroy();
    }
    for (Instance i : instances) {
      if (!i.process().waitFor(15, TimeUnit.SECONDS)) {
        i.process().destroyForcibly();
      }
    }
    if (prefix != null) {
      cleanUp();
    }
  }

  /** Removes the keys, stream or tables this run created on the shared broker. */
  private void cleanUp() throws Exception {
    switch (server) {
      case NATS -> {
        try (Connection c = Nats.connect(server.url)) {
          c.jetStreamManagement().deleteStream(prefix);
        }
      }
      case POSTGRES -> {
        Properties props = new Properties();
        String jdbc = jdbcUrl(server.url, props);
        try (java.sql.Connection c = DriverManager.getConnection(jdbc, props);
            Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + prefix + "_events");
          s.execute("DROP TABLE IF EXISTS " + prefix + "_groups");
        }
      }
      case REDIS -> {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.url);
        try (var c = client.connect()) {
          io.lettuce.core.api.sync.RedisCommands<String, String> redis = c.sync();
          io.lettuce.core.ScanArgs match = io.lettuce.core.ScanArgs.Builder.matches(prefix + ":*").limit(500);
          io.lettuce.core.KeyScanCursor<String> cursor = redis.scan(match);
          while (true) {
            if (!cursor.getKeys().isEmpty()) {
              redis.del(cursor.getKeys().toArray(new String[0]));
            }
            if (cursor.isFinished()) {
              break;
            }
            cursor = redis.scan(cursor, match);
          }
        } finally {
          client.shutdown();
        }
      }
    }
  }

  /** {@code postgresql://user[:password]@host:port/db} as a JDBC URL and its credentials. */
  private static String jdbcUrl(String url, Properties props) {
    if (url.startsWith("jdbc:")) {
      return url;
    }
    URI u = URI.create(url);
    String info = u.getUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      props.setProperty("user", colon < 0 ? info : info.substring(0, colon));
      if (colon >= 0) {
        props.setProperty("password", info.substring(colon + 1));
      }
    }
    return "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + u.getPath();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BrokerServer.class)
  void eachViewIsCountedOnceAndViewersOnBothInstancesSeeEveryCount(BrokerServer broker) throws Exception {
    BrokerAvailability.assumeReachable(broker.label, "127.0.0.1", broker.port);
    server = broker;
    prefix = "ssekit_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Instance a = start(broker.url);
    Instance b = start(broker.url);
    awaitUp(a);
    awaitUp(b);

    List<Long> seenOnA = openStats(a, 1);
    List<Long> seenOnB = openStats(b, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !seenOnA.isEmpty() && !seenOnB.isEmpty());
    assertThat(seenOnA).as("initial fragment on A").containsExactly(0L);
    assertThat(seenOnB).as("initial fragment on B").containsExactly(0L);

    // views on both instances, interleaved and concurrent
    CompletableFuture<Void> onA = CompletableFuture.runAsync(() -> views(a, VIEWS_ON_A));
    CompletableFuture<Void> onB = CompletableFuture.runAsync(() -> views(b, VIEWS_ON_B));
    CompletableFuture.allOf(onA, onB).get(20, TimeUnit.SECONDS);

    long total = VIEWS_ON_A + VIEWS_ON_B;
    List<Long> expected = LongStream.rangeClosed(0, total).boxed().collect(Collectors.toList());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> last(seenOnA) >= total && last(seenOnB) >= total);
    // and nothing more comes (a view counted twice would show up as one more count)
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> seenOnA.size() == total + 1 && seenOnB.size() == total + 1);
    assertThat(seenOnA).as("counts seen on A (log of A: %s)", a.log()).containsExactlyElementsOf(expected);
    assertThat(seenOnB).as("counts seen on B (log of B: %s)", b.log()).containsExactlyElementsOf(expected);
    assertThat(views(get(a, "posts/1/stats").body())).isEqualTo(total);
    assertThat(views(get(b, "posts/1/stats").body())).isEqualTo(total);
  }

  private static long last(List<Long> seen) {
    return seen.isEmpty() ? -1 : seen.get(seen.size() - 1);
  }

  private Instance start(String brokerUrl) throws IOException {
    Path jar = Path.of(System.getProperty("examples.jar", "target/sse-examples-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).as("the packaged jar (run after mvn package)").isRegularFile();
    Path log = Files.createTempFile("sse-examples-two-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // port 0: the jar picks a free port and prints its address (a port probed here could be taken
    // by another process before the jar binds it)
    ProcessBuilder pb =
        new ProcessBuilder(java, "-jar", jar.toString(), "--port", "0", "--broker", brokerUrl, "--broker-prefix", prefix);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Instance i = new Instance(pb.start(), log);
    instances.add(i);
    return i;
  }

  private static void awaitUp(Instance i) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(ConnectException.class)
        .until(
            () -> {
              String out = Files.readString(i.log());
              assertThat(i.process().isAlive()).as("the jar exited early:%n%s", out).isTrue();
              Matcher m = LISTENING.matcher(out);
              if (i.base == null && m.find()) {
                i.base = URI.create(m.group(1));
              }
              return i.base != null && get(i, "").statusCode() == 200;
            });
  }

  /** Opens the stats stream of {@code post}; returns the view counts of its events as they come. */
  private List<Long> openStats(Instance i, long post) throws Exception {
    List<Long> seen = new CopyOnWriteArrayList<>();
    HttpResponse<Stream<String>> stream =
        http.send(
            HttpRequest.newBuilder(i.base().resolve("posts/" + post + "/stats")).header("Accept", "text/event-stream").build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    streams.add(stream);
    Thread reader =
        new Thread(
            () -> {
              try {
                stream.body().forEach(line -> {
                  Matcher m = VIEWS.matcher(line);
                  if (line.startsWith("data:") && m.find()) {
                    seen.add(Long.parseLong(m.group(1)));
                  }
                });
              } catch (UncheckedIOException e) {
                // the test closed the stream
              }
            },
            "it-stats-reader");
    reader.setDaemon(true);
    reader.start();
    return seen;
  }

  private static void views(Instance i, int count) {
    for (int n = 0; n < count; n++) {
      try {
        assertThat(get(i, "posts/1").statusCode()).isEqualTo(200);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static long views(String html) {
    Matcher m = VIEWS.matcher(html);
    assertThat(m.find()).as("views in %s", html).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static HttpResponse<String> get(Instance i, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(i.base().resolve(path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
