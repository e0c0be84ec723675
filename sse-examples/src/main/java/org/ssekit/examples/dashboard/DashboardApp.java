package org.ssekit.examples.dashboard;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.InitialResponse;
import org.ssekit.Marshaller;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.examples.Templates;
import org.ssekit.servlet.SseRouter;
import org.ssekit.json.JacksonMarshaller;

/**
 * The live dashboard: once a second a {@link Sample} of this JVM (CPU load, heap, open streams) is
 * published as JSON to topic {@value #TOPIC} (or the topic given to {@link #start(Hub, Templates,
 * Clock, Duration, String)}); the page draws it as a chart. The figures are this JVM's, so
 * instances sharing a distributed broker each use a topic of their own.
 *
 * <ul>
 *   <li>{@code GET /dashboard} is the page (its chart script is {@code /static/dashboard.js}).
 *   <li>{@code GET /dashboard/stream}: a stream starts with a {@code samples} event holding the
 *       last minute of readings, then one {@code sample} event per second; a plain GET gets the
 *       last minute as a JSON array.
 * </ul>
 *
 * <p>Threads: the sampling runs on one daemon thread, {@code ssekit-examples-dashboard}, stopped by
 * {@link #close()}.
 */
public final class DashboardApp implements AutoCloseable {

  /** The hub topic of samples. */
  public static final String TOPIC = "dashboard";

  private static final Logger log = LoggerFactory.getLogger(DashboardApp.class);

  private final Hub hub;
  private final Templates templates;
  private final Sampler sampler;
  private final Marshaller json = JacksonMarshaller.create();
  private final ScheduledExecutorService timer;
  private final String topic;

  private DashboardApp(Hub hub, Templates templates, Clock clock, Duration period, String topic) {
    this.hub = hub;
    this.topic = topic;
    this.templates = templates;
    this.sampler = Sampler.of(clock, hub::streamCount, 60);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ssekit-examples-dashboard");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts sampling every {@code period} and publishing each sample to {@value #TOPIC}. */
  public static DashboardApp start(Hub hub, Templates templates, Clock clock, Duration period) {
    return start(hub, templates, clock, period, TOPIC);
  }

  /** Starts sampling every {@code period} and publishing each sample to {@code topic}. */
  public static DashboardApp start(Hub hub, Templates templates, Clock clock, Duration period, String topic) {
    Objects.requireNonNull(period, "period");
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException("period must be at least 1 ms: " + period);
    }
    return new DashboardApp(
        Objects.requireNonNull(hub, "hub"),
        Objects.requireNonNull(templates, "templates"),
        Objects.requireNonNull(clock, "clock"),
        period,
        Objects.requireNonNull(topic, "topic"));
  }

  private void tick() {
    try {
      Sample s = sampler.sample();
      hub.publish(topic, Event.of("sample", json.marshal(s)));
    } catch (RuntimeException e) {
      log.warn("dashboard sample failed", e); // keep the schedule alive
    }
  }

  /** Mounts the page at {@code /dashboard} and the stream at {@code /dashboard/stream}. */
  public void mount(ServletContextHandler context, SseRouter router) {
    context.addServlet(
        new ServletHolder(
            "dashboard",
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                templates.write(resp, "dashboard/page.jte", new Page("/dashboard/stream"));
              }
            }),
        "/dashboard");
    ServletHolder stream = new ServletHolder("dashboard-stream", router.handler(topic, new SamplesAdapter()));
    stream.setAsyncSupported(true);
    context.addServlet(stream, "/dashboard/stream");
  }

  /** Stops sampling. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** Starts every stream with the last minute of samples. */
  private final class SamplesAdapter implements StreamAdapter {
    @Override
    public InitialResponse initial(StreamRequest request) {
      return InitialResponse.value(sampler.recent(), json, "samples");
    }
  }

  /**
   * The model of the dashboard page.
   *
   * @param stream the URL of the samples stream
   */
  public record Page(String stream) {}
}
