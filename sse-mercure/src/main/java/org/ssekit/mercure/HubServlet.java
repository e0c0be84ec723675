package org.ssekit.mercure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.EventStream;
import org.ssekit.StreamRequest;
import org.ssekit.servlet.SseRouter;

/**
 * The hub URL: {@code GET} subscribes (served by the router's non-blocking stream path), {@code
 * POST} publishes, {@code OPTIONS} answers CORS preflights, and {@code GET
 * <hub>/subscriptions[/...]} is the subscriptions API when enabled. Every error is a 4xx (or 503)
 * with a JSON body {@code {"error": "..."}}; client input never logs above DEBUG.
 */
final class HubServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(HubServlet.class);
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final int MAX_LAST_EVENT_ID = 1024;
  private static final long DRAIN_BYTES = 1024 * 1024;

  private final transient DefaultMercureHub hub;

  HubServlet(DefaultMercureHub hub) {
    this.hub = hub;
  }

  /** The path inside the application, raw (percent-encoded as the client sent it). */
  private static String rawPath(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String ctx = req.getContextPath();
    return ctx != null && !ctx.isEmpty() && uri.startsWith(ctx) ? uri.substring(ctx.length()) : uri;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    cors(req, resp);
    String p = rawPath(req);
    try {
      if (p.equals(hub.path)) {
        subscribe(req, resp);
      } else if (hub.subscriptions && (p.equals(hub.path + "/subscriptions") || p.startsWith(hub.path + "/subscriptions/"))) {
        subscriptionsApi(req, resp, p);
      } else {
        throw new BadRequestException(404, "nothing at " + p);
      }
    } catch (BadRequestException e) {
      error(resp, e.status(), e.getMessage());
    } catch (Unauthorized e) {
      unauthorized(resp, e);
    }
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    cors(req, resp);
    if (!rawPath(req).equals(hub.path)) {
      error(resp, 404, "publish to " + hub.path);
      return;
    }
    try {
      publish(req, resp);
    } catch (BadRequestException e) {
      if (e.closeConnection()) {
        closeConnection(req, resp); // the rest of the body is not read
      }
      error(resp, e.status(), e.getMessage());
    } catch (Unauthorized e) {
      unauthorized(resp, e);
    }
  }

  @Override
  protected void doOptions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String origin = req.getHeader("Origin");
    String method = req.getHeader("Access-Control-Request-Method");
    if (origin == null || method == null) {
      resp.setHeader("Allow", "GET, POST, OPTIONS");
      resp.setStatus(204);
      return;
    }
    resp.addHeader("Vary", "Origin");
    if (!hub.corsOrigins.contains(origin.toLowerCase(Locale.ROOT))
        || !(method.equals("GET") || method.equals("POST"))) {
      error(resp, 403, "origin or method not allowed");
      return;
    }
    resp.setHeader("Access-Control-Allow-Origin", origin);
    resp.setHeader("Access-Control-Allow-Credentials", "true");
    resp.setHeader("Access-Control-Allow-Methods", "GET, POST");
    resp.setHeader("Access-Control-Allow-Headers", "Authorization, Last-Event-ID, Content-Type, Cache-Control");
    resp.setHeader("Access-Control-Max-Age", "600");
    resp.setStatus(204);
  }

  private void cors(HttpServletRequest req, HttpServletResponse resp) {
    if (hub.corsOrigins.isEmpty()) {
      return;
    }
    resp.addHeader("Vary", "Origin");
    String origin = req.getHeader("Origin");
    if (origin != null && hub.corsOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
      resp.setHeader("Access-Control-Allow-Origin", origin);
      resp.setHeader("Access-Control-Allow-Credentials", "true");
      resp.setHeader("Access-Control-Expose-Headers", "Last-Event-ID, Mercure-Last-Event-ID, Link");
    }
  }

  // ---- subscribe ------------------------------------------------------------------------------

  private void subscribe(HttpServletRequest req, HttpServletResponse resp)
      throws IOException, BadRequestException, Unauthorized {
    String client = Objects.requireNonNullElse(req.getRemoteAddr(), "unknown");
    if (hub.subscribeLimiter != null && !hub.subscribeLimiter.tryAcquire(client)) {
      throw new BadRequestException(429, "too many subscribe requests; slow down");
    }
    Query q = Query.parse(req.getQueryString());
    Profile profile = subscribeProfile(q);
    List<Selector> selectors = profile.subscriptions(q, hub.limits);
    Grants grants = grants(req, q, profile, false);
    String lastId = profile.lastEventId(req, q);
    if (lastId != null && (lastId.length() > MAX_LAST_EVENT_ID || !Strings.valid(lastId))) {
      throw new BadRequestException("invalid last event id");
    }
    StreamRequest sr =
        StreamRequest.builder()
            .path(hub.path)
            .remoteAddress(client)
            .principal(grants.subject())
            .lastEventId(lastId == null ? null : hub.brokerId(lastId))
            .build();
    MercureAdapter adapter = new MercureAdapter(selectors, grants, hub::event);
    String subscriber = "urn:uuid:" + UUID.randomUUID();
    hub.router.serveStream(req, resp, hub.topic, adapter, sr, new Hooks(profile, adapter, subscriber, lastId, grants.expires()));
  }

  private Profile subscribeProfile(Query q) throws BadRequestException {
    DraftProfile draft = hub.draft;
    boolean isDraft = draft.handles(q);
    if (isDraft && q.has("topic")) {
      throw new BadRequestException("use either \"topic\" (released protocol) or \"match\" parameters (draft), not both");
    }
    return isDraft ? draft : hub.released;
  }

  /** The hooks of one subscriber's stream: response header, expiry, presence, counting. */
  private final class Hooks implements SseRouter.StreamHooks {
    private final Profile profile;
    private final MercureAdapter adapter;
    private final String subscriber;
    private final @Nullable String lastId;
    private final @Nullable Instant expires;
    private volatile @Nullable ScheduledFuture<?> expiry;

    Hooks(Profile profile, MercureAdapter adapter, String subscriber, @Nullable String lastId, @Nullable Instant expires) {
      this.profile = profile;
      this.adapter = adapter;
      this.subscriber = subscriber;
      this.lastId = lastId;
      this.expires = expires;
    }

    @Override
    public void opened(EventStream stream, HttpServletResponse response) {
      hub.subscribers.incrementAndGet();
      if (lastId != null) {
        boolean resumed = hub.hasHistory() && !adapter.sawGap() && !lastId.equals(DefaultMercureHub.EARLIEST);
        response.setHeader(profile.lastEventIdResponseHeader(), resumed ? lastId : DefaultMercureHub.EARLIEST);
      }
      if (expires != null) {
        long delay = Math.max(0, Duration.between(hub.clock.instant(), expires).toMillis());
        expiry = hub.expiry.schedule(stream::close, delay, TimeUnit.MILLISECONDS);
      }
      hub.presence(profile, adapter, subscriber, true);
    }

    @Override
    public void ended(EventStream stream) {
      hub.subscribers.decrementAndGet();
      ScheduledFuture<?> f = expiry;
      if (f != null) {
        f.cancel(false);
      }
      hub.presence(profile, adapter, subscriber, false);
    }
  }

  // ---- tokens -----------------------------------------------------------------------------------

  /** A missing or invalid token: 401 with a Bearer challenge. */
  static final class Unauthorized extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean invalid;

    Unauthorized(String message, boolean invalid) {
      super(message, null, false, false);
      this.invalid = invalid;
    }
  }

  /**
   * The grants of the request's token, or {@link Grants#ANONYMOUS} when there is none and that is
   * allowed. The token is the {@code Authorization: Bearer} header's; without one, the {@code
   * authorization} query parameter's (released profile only); without either, the profile's
   * cookie's.
   */
  private Grants grants(HttpServletRequest req, Query q, Profile profile, boolean publisher)
      throws Unauthorized, BadRequestException {
    String token = null;
    boolean fromCookie = false;
    String header = req.getHeader("Authorization");
    if (header != null) {
      if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new Unauthorized("the Authorization header is not \"Bearer <token>\"", true);
      }
      token = header.substring(7).trim();
    } else if (profile.acceptsQueryToken() && q.has("authorization")) {
      token = q.first("authorization").orElse("");
    } else {
      token = cookie(req, profile.cookieName());
      if (token == null && publisher && profile != hub.draft) {
        token = cookie(req, hub.draft.cookieName());
      }
      fromCookie = token != null;
    }
    if (token == null || token.isEmpty()) {
      if (publisher) {
        throw new Unauthorized("publishing needs a token", false);
      }
      if (!hub.anonymous) {
        throw new Unauthorized("this hub needs a subscriber token", false);
      }
      return Grants.ANONYMOUS;
    }
    if (fromCookie && publisher) {
      checkOrigin(req);
    }
    TokenVerifier verifier = publisher ? hub.publisherVerifier : hub.subscriberVerifier;
    // without trusted issuers, the draft's requests carry released-profile tokens
    Profile tokens = profile == hub.draft && !hub.draft.acceptsTokens() ? hub.released : profile;
    try {
      TokenVerifier.Verified v = verifier.verify(token, tokens.requiresExp());
      Profile p = publisher ? publishProfile(v) : tokens;
      return p.grants(v, hub.limits);
    } catch (InvalidTokenException e) {
      log.debug("refused a token from {}: {}", req.getRemoteAddr(), e.getMessage());
      throw new Unauthorized("invalid token", true);
    }
  }

  /** A publisher's token says which profile it speaks: {@code at+jwt} is the draft's. */
  private Profile publishProfile(TokenVerifier.Verified v) throws InvalidTokenException {
    var typ = v.header().getType();
    boolean at = typ != null && typ.getType().toLowerCase(Locale.ROOT).endsWith("at+jwt");
    if (at && hub.draft.acceptsTokens()) {
      if (v.claims().getExpirationTime() == null) {
        throw new InvalidTokenException("no exp claim");
      }
      return hub.draft;
    }
    return hub.released;
  }

  private static @Nullable String cookie(HttpServletRequest req, String name) {
    Cookie[] cookies = req.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie c : cookies) {
      if (c.getName().equals(name)) {
        return c.getValue();
      }
    }
    return null;
  }

  /** A cookie-authorised publish must come from an allowed origin (CSRF). */
  private void checkOrigin(HttpServletRequest req) throws BadRequestException {
    String origin = req.getHeader("Origin");
    if (origin == null) {
      String referer = req.getHeader("Referer");
      if (referer == null) {
        throw new BadRequestException(403, "a cookie-authorised publish needs an Origin or Referer header");
      }
      try {
        URI u = URI.create(referer);
        origin = u.getScheme() + "://" + u.getRawAuthority();
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(403, "the Referer header is not a URL");
      }
    }
    if (!hub.corsOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
      throw new BadRequestException(403, "origin " + origin + " may not publish with a cookie");
    }
  }

  // ---- publish ----------------------------------------------------------------------------------

  private void publish(HttpServletRequest req, HttpServletResponse resp)
      throws IOException, BadRequestException, Unauthorized {
    String client = Objects.requireNonNullElse(req.getRemoteAddr(), "unknown");
    if (hub.publishLimiter != null && !hub.publishLimiter.tryAcquire(client)) {
      throw new BadRequestException(429, "too many publish requests; slow down");
    }
    String ct = req.getContentType();
    if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      throw new BadRequestException(415, "publish with Content-Type: " + FORM);
    }
    long declared = req.getContentLengthLong();
    if (declared > hub.maxPublishBytes) {
      if (declared <= hub.maxPublishBytes + DRAIN_BYTES) {
        // read and drop a body slightly over the limit, so the client reads the 413 instead of a
        // connection reset while it is still sending
        InputStream in = req.getInputStream();
        byte[] buf = new byte[8192];
        while (in.read(buf) > 0) {
          // drop it
        }
        throw new BadRequestException(413, "the body is larger than " + hub.maxPublishBytes + " bytes", false);
      }
      throw new BadRequestException(413, "the body is larger than " + hub.maxPublishBytes + " bytes");
    }
    Query urlQuery = Query.parse(req.getQueryString());
    Grants grants = grants(req, urlQuery, hub.released, true);
    String body = readBody(req.getInputStream(), hub.maxPublishBytes);
    Query form = Query.parse(body);
    List<String> topics = form.all("topic");
    if (topics.size() > hub.maxTopics) {
      throw new BadRequestException(413, "more than " + hub.maxTopics + " topics", false);
    }
    for (String t : topics) {
      if (t.length() > hub.limits.maxSelectorLength()) {
        throw new BadRequestException(413, "a topic is longer than " + hub.limits.maxSelectorLength() + " characters", false);
      }
      if (reserved(t)) {
        throw new BadRequestException("topic " + t + " is in the hub's reserved namespace " + hub.path);
      }
    }
    String id = form.first("id").orElse(null);
    if (id != null && id.length() > hub.maxIdLength) {
      throw new BadRequestException("\"id\" is longer than " + hub.maxIdLength + " characters");
    }
    String type = form.first("type").filter(t -> !t.isEmpty()).orElse(null);
    String problem = DefaultMercureHub.problem(topics, id, type);
    if (problem != null) {
      throw new BadRequestException(problem);
    }
    Long retry = null;
    String r = form.first("retry").orElse(null);
    if (r != null && !r.isEmpty()) {
      if (!r.chars().allMatch(c -> c >= '0' && c <= '9') || r.length() > 12) {
        throw new BadRequestException("\"retry\" must be ASCII digits (milliseconds)");
      }
      retry = Long.parseLong(r);
    }
    if (!grants.canPublish(topics)) {
      throw new BadRequestException(403, "the token may not publish to every topic of this update");
    }
    String data = form.first("data").orElse("");
    String stored;
    try {
      stored =
          hub.publish(topics, data, form.has("private"), id, type, retry, null)
              .toCompletableFuture()
              .get(hub.publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IllegalArgumentException refused) {
        // the broker's own limits (payload size, metadata): the publisher's input, not a failure
        log.debug("the broker refused an update: {}", refused.getMessage());
        throw new BadRequestException(413, "the broker refused the update: " + refused.getMessage(), false);
      }
      log.warn("the broker refused an update", e.getCause());
      resp.setHeader("Retry-After", "1");
      throw new BadRequestException(503, "the broker did not accept the update");
    } catch (TimeoutException e) {
      resp.setHeader("Retry-After", "1");
      throw new BadRequestException(503, "the broker did not accept the update in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BadRequestException(503, "interrupted");
    }
    byte[] out = stored.getBytes(StandardCharsets.UTF_8);
    resp.setStatus(200);
    resp.setContentType("text/plain; charset=utf-8");
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentLength(out.length);
    resp.getOutputStream().write(out);
  }

  /** Whether {@code topic} names a resource of the hub itself (its path or below). */
  private boolean reserved(String topic) {
    String p = topic;
    if (UrlPatterns.isAbsolute(topic)) {
      try {
        URI u = URI.create(topic).normalize();
        p = u.getPath() == null ? "" : u.getPath();
      } catch (IllegalArgumentException e) {
        return topic.contains(hub.path);
      }
    } else if (topic.startsWith("/")) {
      try {
        p = URI.create(topic).normalize().getPath();
      } catch (IllegalArgumentException e) {
        return topic.contains(hub.path);
      }
    } else {
      return false;
    }
    return p != null && (p.equals(hub.path) || p.startsWith(hub.path + "/"));
  }

  private static String readBody(InputStream in, int max) throws IOException, BadRequestException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      if (b.size() + n > max) {
        long dropped = 0;
        while (dropped < DRAIN_BYTES && (n = in.read(buf)) > 0) {
          dropped += n;
        }
        throw new BadRequestException(413, "the body is larger than " + max + " bytes", n > 0);
      }
      b.write(buf, 0, n);
    }
    return b.toString(StandardCharsets.ISO_8859_1); // form bodies are ASCII; Query decodes UTF-8
  }

  // ---- subscriptions API ---------------------------------------------------------------------

  private void subscriptionsApi(HttpServletRequest req, HttpServletResponse resp, String p)
      throws IOException, BadRequestException, Unauthorized {
    Query q = Query.parse(req.getQueryString());
    boolean isDraft = false;
    String rest = p.substring((hub.path + "/subscriptions").length());
    String[] segs = rest.isEmpty() ? new String[0] : rest.substring(1).split("/", -1);
    if (segs.length >= 2 && (segs[0].equals(Selector.EXACT) || segs[0].equals(Selector.URL_PATTERN))) {
      isDraft = true;
    }
    boolean draftRequest = isDraft;
    Profile profile = draftRequest ? hub.draft : hub.released;
    Grants grants = grants(req, q, profile, false);
    if (!grants.canReceive(List.of(p))) {
      throw new BadRequestException(403, "the token may not read " + p);
    }
    int maxSegs = draftRequest ? 3 : 2;
    if (segs.length > maxSegs) {
      throw new BadRequestException(404, "nothing at " + p);
    }
    String[] decoded = new String[segs.length];
    for (int i = 0; i < segs.length; i++) {
      decoded[i] = Query.decode(segs[i].replace("+", "%2B"));
    }
    List<ObjectNode> all = hub.activeSubscriptions(profile.name());
    int fixed = draftRequest ? 2 : 1; // segments that select a matcher
    List<ObjectNode> matching =
        all.stream()
            .filter(d -> decoded.length < fixed || matchesSelector(d, decoded, draftRequest))
            .filter(d -> decoded.length <= fixed || d.path("subscriber").asText().equals(decoded[fixed]))
            .toList();
    String last = hub.lastEventId;
    resp.setHeader("Link", MercureHub.discoveryLink(hub.path) + "; last-event-id=\"" + last.replace("\"", "%22") + "\"");
    resp.setHeader("Cache-Control", "must-revalidate");
    ObjectNode body;
    if (decoded.length == maxSegs) {
      if (matching.isEmpty()) {
        throw new BadRequestException(404, "no such subscription");
      }
      body = matching.get(0).deepCopy();
      if (!draftRequest) {
        body.put("lastEventID", last);
      }
    } else {
      body = profile.collectionDocument(p, last, matching);
    }
    byte[] out = DefaultMercureHub.JSON.writeValueAsBytes(body);
    resp.setStatus(200);
    resp.setContentType(profile.apiContentType());
    resp.setContentLength(out.length);
    resp.getOutputStream().write(out);
  }

  private static boolean matchesSelector(ObjectNode d, String[] decoded, boolean draft) {
    if (draft) {
      return d.path("match_type").asText().equals(decoded[0]) && d.path("match").asText().equals(decoded[1]);
    }
    return d.path("topic").asText().equals(decoded[0]);
  }

  // ---- answers -------------------------------------------------------------------------------

  private static void unauthorized(HttpServletResponse resp, Unauthorized e) throws IOException {
    resp.setHeader("WWW-Authenticate", e.invalid ? "Bearer error=\"invalid_token\"" : "Bearer");
    error(resp, 401, e.getMessage());
  }

  static void error(HttpServletResponse resp, int status, String message) throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    ObjectNode body = DefaultMercureHub.JSON.createObjectNode().put("error", message);
    byte[] out = DefaultMercureHub.JSON.writeValueAsBytes(body);
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentLength(out.length);
    resp.getOutputStream().write(out);
  }

  private static void closeConnection(HttpServletRequest req, HttpServletResponse resp) {
    String protocol = req.getProtocol();
    if (protocol != null && protocol.startsWith("HTTP/1")) {
      resp.setHeader("Connection", "close");
    }
  }

  @Override
  public String toString() {
    return "MercureHubServlet{" + hub.path + "}";
  }
}
