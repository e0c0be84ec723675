package org.ssekit.examples.notifications;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.examples.AsyncBody;
import org.ssekit.examples.Http;
import org.ssekit.examples.LiveFeed;
import org.ssekit.examples.Row;
import org.ssekit.examples.Templates;
import org.ssekit.servlet.SseRouter;

/**
 * Per-user notifications: a message to one user is published with that user as routing key, so
 * it reaches only the streams of that user, on every window they have open.
 *
 * <ul>
 *   <li>{@code GET /notifications?user=alice} is alice's page. The user comes from the query
 *       parameter to keep the demo self-contained; a real application takes it from its login.
 *   <li>{@code POST /notifications} with {@code to}, {@code from} and {@code text} sends one.
 *   <li>{@code GET /notifications/stream?user=alice} is alice's stream.
 * </ul>
 */
public final class NotificationsApp {

  /** The hub topic of notifications. */
  public static final String TOPIC = "notifications";

  /** The users the page offers. */
  public static final List<String> DEMO_USERS = List.of("alice", "bob");

  static final String EVENT = "notification";
  private static final Pattern USER = Pattern.compile("[a-z0-9_-]{1,32}");
  private static final int MAX_TEXT = 500;
  private static final int MAX_BODY = 4 * 1024;

  private final Templates templates;
  private final Clock clock;
  private final LiveFeed<Notification> feed;

  private NotificationsApp(Hub hub, Templates templates, Clock clock) {
    this.templates = templates;
    this.clock = clock;
    this.feed =
        LiveFeed.of(
            hub,
            TOPIC,
            1000,
            n -> Event.of(EVENT, templates.render("notifications/item.jte", new Row<>(n, true))),
            n -> Optional.of(n.to()));
  }

  /** The app on {@code hub}, with a welcome notification for each demo user. */
  public static NotificationsApp create(Hub hub, Templates templates, Clock clock) {
    NotificationsApp app =
        new NotificationsApp(
            Objects.requireNonNull(hub, "hub"),
            Objects.requireNonNull(templates, "templates"),
            Objects.requireNonNull(clock, "clock"));
    for (String u : DEMO_USERS) {
      app.send(u, "ssekit", "Welcome, " + u + "! Notifications sent to you appear here live.");
    }
    return app;
  }

  /**
   * Sends {@code text} from {@code from} to {@code to}.
   *
   * @throws IllegalArgumentException if a user name or the text is invalid
   */
  public LiveFeed.Entry<Notification> send(String to, String from, String text) {
    requireUser(to);
    requireUser(from);
    if (text.isBlank() || text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("text must have 1 to " + MAX_TEXT + " characters");
    }
    return feed.append(new Notification(to, from, text.strip(), clock.instant()));
  }

  /** The notifications of {@code user} kept so far, and the id their stream resumes from. */
  public LiveFeed.Snapshot<Notification> snapshotFor(String user) {
    return feed.snapshot(n -> n.to().equals(user));
  }

  /** True for a valid user name: 1 to 32 of a-z, 0-9, '_' and '-'. */
  public static boolean isUser(String user) {
    return USER.matcher(user).matches();
  }

  private static void requireUser(String user) {
    if (!isUser(user)) {
      throw new IllegalArgumentException("a user name is 1 to 32 of a-z, 0-9, _ and -: " + user);
    }
  }

  /** Mounts the page at {@code /notifications} and the stream at {@code /notifications/stream}. */
  public void mount(ServletContextHandler context, SseRouter router) {
    ServletHolder page = new ServletHolder("notifications", new PageServlet());
    page.setAsyncSupported(true); // POST bodies are read with a ReadListener
    context.addServlet(page, "/notifications");
    ServletHolder stream = new ServletHolder("notifications-stream", router.handler(TOPIC, new UserAdapter()));
    stream.setAsyncSupported(true);
    context.addServlet(stream, "/notifications/stream");
  }

  /** Streams of one user: the routing key is the {@code user} query parameter. */
  static final class UserAdapter implements StreamAdapter {
    @Override
    public InitialResponse initial(StreamRequest request) {
      Optional<String> user = request.queryParam("user");
      if (user.isEmpty() || !isUser(user.get())) {
        return InitialResponse.reject(400, "the user query parameter is 1 to 32 of a-z, 0-9, _ and -");
      }
      return InitialResponse.accept();
    }

    @Override
    public Optional<String> routingKey(StreamRequest request) {
      return request.queryParam("user");
    }
  }

  /** The page (GET) and the send form's target (POST). */
  private final class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Optional<String> user = Http.param(req, "user");
      if (user.isPresent() && !isUser(user.get())) {
        Http.error(resp, 400, "a user name is 1 to 32 of a-z, 0-9, _ and -");
        return;
      }
      if (user.isEmpty()) {
        templates.write(resp, "notifications/choose.jte", new Choose(DEMO_USERS));
        return;
      }
      String u = user.get();
      LiveFeed.Snapshot<Notification> snap = snapshotFor(u);
      templates.write(resp, "notifications/page.jte", new Page(u, DEMO_USERS, snap));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!Http.sameOrigin(req)) {
        Http.error(resp, 403, "cross-site posts are refused");
        return;
      }
      AsyncBody.read(req, resp, MAX_BODY, this::send);
    }

    private void send(byte[] bytes, HttpServletResponse resp) throws IOException {
      Map<String, String> form;
      try {
        form = Http.form(bytes);
      } catch (IllegalArgumentException e) {
        Http.error(resp, 400, e.getMessage());
        return;
      }
      String to = form.getOrDefault("to", "").strip();
      String from = form.getOrDefault("from", "").strip();
      String text = form.getOrDefault("text", "").strip();
      if (to.isEmpty() || from.isEmpty() || text.isEmpty()) {
        Http.error(resp, 400, "to, from and text are required");
        return;
      }
      LiveFeed.Entry<Notification> sent;
      try {
        sent = NotificationsApp.this.send(to, from, text);
      } catch (IllegalArgumentException e) {
        Http.error(resp, 400, e.getMessage());
        return;
      } catch (IllegalStateException e) {
        resp.setHeader("Retry-After", "5");
        Http.error(resp, 503, "notifications cannot be sent right now (the broker is unavailable); try again");
        return;
      }
      Http.json(resp, 202, "{\"id\":\"" + sent.id() + "\"}");
    }
  }

  /**
   * The model of the user chooser.
   *
   * @param users the demo users
   */
  public record Choose(List<String> users) {
    /** Copies the list. */
    public Choose {
      users = List.copyOf(users);
    }
  }

  /**
   * The model of one user's page.
   *
   * @param user whose page it is
   * @param users everyone the form can send to
   * @param feed the user's notifications so far and the id their stream resumes from
   */
  public record Page(String user, List<String> users, LiveFeed.Snapshot<Notification> feed) {
    /** Checks the fields. */
    public Page {
      Objects.requireNonNull(user, "user");
      users = List.copyOf(users);
      Objects.requireNonNull(feed, "feed");
    }

    /** The stream URL of this user, resuming after the newest rendered notification. */
    public String streamUrl() {
      return "/notifications/stream?user=" + user + feed.lastEventId().map(id -> "&lastEventId=" + id).orElse("");
    }

    /** The users the form offers, the others first. */
    public List<String> recipients() {
      List<String> out = new ArrayList<>();
      users.stream().filter(u -> !u.equals(user)).forEach(out::add);
      out.add(user);
      return out;
    }

    /** The newest notifications first, as the page lists them. */
    public List<Notification> newestFirst() {
      List<Notification> out = new ArrayList<>();
      for (LiveFeed.Entry<Notification> e : feed.entries()) {
        out.add(0, e.item());
      }
      return out;
    }
  }
}
