package org.ssekit.examples.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;
import org.ssekit.examples.AsyncBody;
import org.ssekit.examples.Http;
import org.ssekit.examples.LiveFeed;
import org.ssekit.examples.Row;
import org.ssekit.examples.Templates;
import org.ssekit.servlet.SseRouter;

/**
 * The audit feed, after the audits example: records are POSTed, and every open feed page appends
 * each as it arrives.
 *
 * <ul>
 *   <li>{@code POST /audit} with {@code actor}, {@code action} and {@code target} (a form, or a
 *       JSON object) records one and answers 202 with its event id.
 *   <li>{@code GET /audit} renders the records kept so far, and its stream resumes right after the
 *       newest of them: {@code /audit/stream?lastEventId=<id>}. An EventSource cannot set the
 *       {@code Last-Event-ID} header on its first request, hence the query parameter; what was
 *       published between the render and the connect is replayed from the history, so a reload
 *       misses nothing and shows nothing twice.
 * </ul>
 */
public final class AuditApp {

  /** The hub topic of audit records. */
  public static final String TOPIC = "audit";

  static final String EVENT = "audit";
  private static final int MAX_FIELD = 200;
  private static final int MAX_BODY = 8 * 1024;

  private final Templates templates;
  private final Clock clock;
  private final LiveFeed<AuditRecord> feed;
  /** Refuses duplicate keys and anything after the object. */
  private final ObjectMapper json =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private AuditApp(Hub hub, Templates templates, Clock clock) {
    this.templates = templates;
    this.clock = clock;
    this.feed =
        LiveFeed.of(
            hub, TOPIC, 500, r -> Event.of(EVENT, templates.render("audit/row.jte", new Row<>(r, true))), r -> Optional.empty());
  }

  /** The app on {@code hub}, with a first record saying the server started. */
  public static AuditApp create(Hub hub, Templates templates, Clock clock) {
    AuditApp app =
        new AuditApp(
            Objects.requireNonNull(hub, "hub"),
            Objects.requireNonNull(templates, "templates"),
            Objects.requireNonNull(clock, "clock"));
    app.record("ssekit", "started", "the demo server");
    return app;
  }

  /**
   * Records one entry.
   *
   * @throws IllegalArgumentException if a field is blank or longer than 200 characters
   */
  public LiveFeed.Entry<AuditRecord> record(String actor, String action, String target) {
    return feed.append(new AuditRecord(clock.instant(), check("actor", actor), check("action", action), check("target", target)));
  }

  /** The records kept so far and the id a stream resumes from. */
  public LiveFeed.Snapshot<AuditRecord> snapshot() {
    return feed.snapshot();
  }

  private static String check(String name, String value) {
    String v = value.strip();
    if (v.isEmpty() || v.length() > MAX_FIELD) {
      throw new IllegalArgumentException(name + " must have 1 to " + MAX_FIELD + " characters");
    }
    return v;
  }

  /** Mounts the page and the POST target at {@code /audit}, the stream at {@code /audit/stream}. */
  public void mount(ServletContextHandler context, SseRouter router) {
    ServletHolder page = new ServletHolder("audit", new PageServlet());
    page.setAsyncSupported(true); // POST bodies are read with a ReadListener
    context.addServlet(page, "/audit");
    ServletHolder stream = new ServletHolder("audit-stream", router.handler(TOPIC, StreamAdapter.passThrough()));
    stream.setAsyncSupported(true);
    context.addServlet(stream, "/audit/stream");
  }

  /** The feed page (GET) and the record endpoint (POST). */
  private final class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String base = req.getScheme() + "://" + req.getServerName() + ":" + req.getServerPort();
      templates.write(resp, "audit/page.jte", new Page(snapshot(), base));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!Http.sameOrigin(req)) {
        Http.error(resp, 403, "cross-site posts are refused");
        return;
      }
      boolean isJson = Http.isJson(req);
      AsyncBody.read(req, resp, MAX_BODY, (bytes, r) -> record(isJson, bytes, r));
    }

    private void record(boolean isJson, byte[] bytes, HttpServletResponse resp) throws IOException {
      String actor;
      String action;
      String target;
      try {
        if (isJson) {
          JsonNode body = json.readTree(Http.strictUtf8(bytes));
          if (body == null || !body.isObject()) {
            Http.error(resp, 400, "the body must be a JSON object");
            return;
          }
          actor = text(body, "actor");
          action = text(body, "action");
          target = text(body, "target");
        } else {
          Map<String, String> form = Http.form(bytes);
          actor = form.getOrDefault("actor", "");
          action = form.getOrDefault("action", "");
          target = form.getOrDefault("target", "");
        }
      } catch (JsonProcessingException e) {
        Http.error(resp, 400, "the body is not a JSON object: " + e.getOriginalMessage());
        return;
      } catch (IllegalArgumentException e) {
        Http.error(resp, 400, e.getMessage());
        return;
      }
      LiveFeed.Entry<AuditRecord> e;
      try {
        e = AuditApp.this.record(actor, action, target);
      } catch (IllegalArgumentException ex) {
        Http.error(resp, 400, ex.getMessage());
        return;
      } catch (IllegalStateException ex) {
        // the broker refused or did not answer: say so plainly, no exception page
        resp.setHeader("Retry-After", "5");
        Http.error(resp, 503, "the audit feed cannot record right now (its broker is unavailable); try again");
        return;
      }
      Http.json(resp, 202, "{\"id\":\"" + e.id() + "\"}");
    }
  }

  /** A string field of a JSON object, {@code ""} when absent; any other type is an error. */
  private static String text(JsonNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null) {
      return "";
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return v.textValue();
  }

  /**
   * The model of the feed page.
   *
   * @param feed the records so far and the id the stream resumes from
   * @param baseUrl the server's address, for the curl example
   */
  public record Page(LiveFeed.Snapshot<AuditRecord> feed, String baseUrl) {
    /** Checks the fields. */
    public Page {
      Objects.requireNonNull(feed, "feed");
      Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** The stream URL, resuming after the newest rendered record. */
    public String streamUrl() {
      return "/audit/stream" + feed.lastEventId().map(id -> "?lastEventId=" + id).orElse("");
    }
  }
}
