package org.ssekit.mercure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The protocol released hubs (v0.x) and their clients speak: {@code topic} selectors (exact,
 * {@code *} or RFC 6570 URI Templates), the {@code mercure} JWT claim ({@code publish}, {@code
 * subscribe}, {@code payload}), the {@code lastEventID} parameter and {@code Last-Event-ID}
 * response header, the {@code mercureAuthorization} cookie and the {@code authorization} query
 * parameter, and JSON-LD subscription documents.
 */
final class ReleasedProfile implements Profile {

  static final String COOKIE = "mercureAuthorization";
  static final String CONTEXT = "https://mercure.rocks/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String cookieName;

  ReleasedProfile(String cookieName) {
    this.cookieName = cookieName;
  }

  @Override
  public String name() {
    return "released";
  }

  @Override
  public boolean handles(Query q) {
    return q.has("topic");
  }

  @Override
  public List<Selector> subscriptions(Query q, Limits limits) throws BadRequestException {
    List<String> topics = q.all("topic");
    if (topics.isEmpty()) {
      throw new BadRequestException("missing \"topic\" parameter");
    }
    if (topics.size() > limits.maxSelectors()) {
      throw new BadRequestException("more than " + limits.maxSelectors() + " \"topic\" parameters");
    }
    List<Selector> out = new ArrayList<>(topics.size());
    for (String t : topics) {
      out.add(selector(t, limits, "\"topic\" parameter"));
    }
    return out;
  }

  static Selector selector(String raw, Limits limits, String what) throws BadRequestException {
    if (raw.isEmpty()) {
      throw new BadRequestException("empty " + what);
    }
    if (raw.length() > limits.maxSelectorLength()) {
      throw new BadRequestException(what + " longer than " + limits.maxSelectorLength() + " characters");
    }
    if (!Strings.valid(raw)) {
      throw new BadRequestException(what + " contains a control or format character");
    }
    return Selector.released(raw);
  }

  @Override
  public String lastEventIdParameter() {
    return "lastEventID";
  }

  @Override
  public String lastEventIdResponseHeader() {
    return "Last-Event-ID";
  }

  @Override
  public String cookieName() {
    return cookieName;
  }

  @Override
  public boolean acceptsQueryToken() {
    return true;
  }

  @Override
  public boolean requiresExp() {
    return false;
  }

  @Override
  public Grants grants(TokenVerifier.Verified token, Limits limits) throws InvalidTokenException {
    Object claim = token.claims().getClaim("mercure");
    if (claim == null) {
      claim = token.claims().getClaim(CONTEXT);
    }
    String sub = token.claims().getSubject();
    java.util.Date exp = token.claims().getExpirationTime();
    java.time.Instant expires = exp == null ? null : exp.toInstant();
    if (claim == null) {
      return new Grants(List.of(), List.of(), List.of(), null, expires, sub);
    }
    JsonNode m = JSON.valueToTree(claim);
    if (!m.isObject()) {
      throw new InvalidTokenException("the mercure claim is not an object");
    }
    List<Selector> publish = selectors(m.get("publish"), limits, "mercure.publish");
    List<Selector> subscribe = selectors(m.get("subscribe"), limits, "mercure.subscribe");
    List<@Nullable JsonNode> payloads = new ArrayList<>();
    for (int i = 0; i < subscribe.size(); i++) {
      payloads.add(null);
    }
    JsonNode payload = m.get("payload");
    return new Grants(publish, subscribe, payloads, payload == null || payload.isNull() ? null : payload, expires, sub);
  }

  private static List<Selector> selectors(@Nullable JsonNode n, Limits limits, String what)
      throws InvalidTokenException {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new InvalidTokenException(what + " is not an array");
    }
    if (n.size() > limits.maxClaimSelectors()) {
      throw new InvalidTokenException(what + " has more than " + limits.maxClaimSelectors() + " selectors");
    }
    List<Selector> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new InvalidTokenException(what + " holds a value that is not a string");
      }
      try {
        out.add(selector(e.asText(), limits, what + " selector"));
      } catch (BadRequestException ex) {
        throw new InvalidTokenException(ex.getMessage());
      }
    }
    return out;
  }

  @Override
  public String subscriptionTopic(String hubPath, Selector subscription, String subscriber) {
    return hubPath + "/subscriptions/" + Strings.pctEncode(subscription.raw()) + "/" + Strings.pctEncode(subscriber);
  }

  @Override
  public ObjectNode subscriptionDocument(
      String topic, Selector subscription, String subscriber, boolean active, @Nullable JsonNode payload) {
    ObjectNode d = JSON.createObjectNode();
    d.put("@context", CONTEXT);
    d.put("id", topic);
    d.put("type", "Subscription");
    d.put("topic", subscription.raw());
    d.put("subscriber", subscriber);
    d.put("active", active);
    if (payload != null) {
      d.set("payload", payload);
    }
    return d;
  }

  @Override
  public @Nullable String subscriptionEventType() {
    return null;
  }

  @Override
  public ObjectNode collectionDocument(String id, String lastEventId, List<ObjectNode> subscriptions) {
    ObjectNode d = JSON.createObjectNode();
    d.put("@context", CONTEXT);
    d.put("id", id);
    d.put("type", "Subscriptions");
    d.put("lastEventID", lastEventId);
    ArrayNode a = d.putArray("subscriptions");
    for (ObjectNode s : subscriptions) {
      ObjectNode c = s.deepCopy();
      c.remove("@context"); // defined by the parent node
      a.add(c);
    }
    return d;
  }

  @Override
  public String apiContentType() {
    return "application/ld+json";
  }
}
