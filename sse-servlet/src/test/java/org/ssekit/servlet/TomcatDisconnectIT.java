package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;

/**
 * An ordinary client disconnect on Tomcat 11: the stream ends inside the container's error
 * callback, so Tomcat never dispatches the request to an error page (as Spring Boot's {@code
 * /error} would be), and nothing is logged above DEBUG, neither by ssekit nor by Tomcat.
 */
class TomcatDisconnectIT {

  private static final int CLIENTS = 8;
  /** The race between a failed write and the container's error event is lost at times: repeat. */
  private static final int ROUNDS = 6;


  /** Counts what the container dispatches to the application's error page. */
  static final class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    final transient AtomicInteger dispatches = new AtomicInteger();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) {
      dispatches.incrementAndGet();
      resp.setStatus(500);
    }
  }

  /** Records JUL (Tomcat's logging) records above FINE, i.e. above DEBUG. */
  static final class Recorder extends Handler {
    final List<String> records = new CopyOnWriteArrayList<>();

    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() > Level.FINE.intValue()) {
        records.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void clientsThatDisconnectWhileEventsFlowAreNeverDispatchedToTheErrorPageNorLogged() throws Exception {
    String topic = "disconnect-" + System.nanoTime();
    // clients read only until they saw an event: a queue that cannot fill up within the test keeps
    // the slow-consumer policy from closing a stream before its client leaves
    SseRouter router = SseRouter.builder().hub(h -> h.queueCapacity(1_000_000)).build();
    ErrorPageServlet errors = new ErrorPageServlet();
    TomcatServer server =
        TomcatServer.start(
            Map.of("/events", router.handler(topic), "/error", errors),
            0,
            ctx -> {
              ErrorPage any = new ErrorPage(); // neither code nor exception: the default page, as Boot registers
              any.setLocation("/error");
              ctx.addErrorPage(any);
            });
    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    Recorder jul = new Recorder();
    Logger root = Logger.getLogger("");
    PrintStream err = System.err;
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      AtomicInteger seq = new AtomicInteger();
      // events keep flowing while the clients leave: writes race with the container's error events
      publisher.scheduleAtFixedRate(
          () -> router.hub().broadcast(Event.of("e" + seq.incrementAndGet())), 0, 2, TimeUnit.MILLISECONDS);
      for (int round = 0; round < ROUNDS; round++) {
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(RawClient.open(null, server.port(), "/events", 0));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> router.hub().streamCount(topic) == CLIENTS);
        for (RawClient c : clients) {
          assertThat(c.awaitText("data: e", Duration.ofSeconds(5))).isTrue();
        }
        root.addHandler(jul);
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        for (int i = 0; i < clients.size(); i++) {
          if (i % 2 == 0) {
            clients.get(i).abort(); // a reset, as a crashed client or a dead network
          } else {
            clients.get(i).close(); // an orderly FIN, as a closed browser tab
          }
        }
        // onComplete (which frees the stream) comes after any error-page dispatch of the request
        await().atMost(Duration.ofSeconds(10)).until(() -> router.openStreams() == 0);
        assertThat(router.hub().streamCount(topic)).isZero();
        System.setErr(err);
        root.removeHandler(jul);
      }
    } finally {
      System.setErr(err);
      root.removeHandler(jul);
      publisher.shutdownNow();
      router.close();
      server.close();
    }
    assertThat(errors.dispatches.get()).as("requests dispatched to the error page").isZero();
    assertThat(stderr.toString(StandardCharsets.UTF_8)).as("ssekit log lines above DEBUG").isEmpty();
    assertThat(jul.records).as("Tomcat log records above DEBUG").isEmpty();
  }
}
