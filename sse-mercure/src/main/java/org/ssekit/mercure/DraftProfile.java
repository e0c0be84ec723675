package org.ssekit.mercure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The current draft ({@code draft-dunglas-mercure-08}): {@code match} / {@code match_exact} /
 * {@code match_urlpattern} matchers (the whole {@code match} prefix is reserved), {@code at+jwt}
 * access tokens whose {@code authorization_details} grant {@code publish} and {@code subscribe}
 * on topic matchers, with {@code iss} and {@code aud} checked and {@code exp} required; {@code
 * last_event_id} and the {@code Mercure-Last-Event-ID} response header; the {@code
 * __Secure-mercure_access_token} cookie and no token in the URL.
 */
final class DraftProfile implements Profile {

  static final String COOKIE = "__Secure-mercure_access_token";
  static final String DETAIL_TYPE = "https://mercure.rocks/authorization-detail";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String cookieName;
  private final Set<String> issuers;
  private final String audience;
  private final String origin;

  DraftProfile(String cookieName, Set<String> issuers, String audience, String origin) {
    this.cookieName = cookieName;
    this.issuers = Set.copyOf(issuers);
    this.audience = audience;
    this.origin = origin;
  }

  @Override
  public String name() {
    return "draft";
  }

  /**
   * Whether draft access tokens ({@code at+jwt}) are accepted: only with trusted issuers and an
   * audience configured. Without them the draft's subscribe syntax still works, with released
   * tokens.
   */
  boolean acceptsTokens() {
    return !issuers.isEmpty() && !audience.isEmpty();
  }

  @Override
  public boolean handles(Query q) {
    for (String n : q.names()) {
      if (n.toLowerCase(Locale.ROOT).startsWith("match")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<Selector> subscriptions(Query q, Limits limits) throws BadRequestException {
    List<Selector> out = new ArrayList<>();
    List<String> names = q.names();
    for (String n : names) {
      if (!n.toLowerCase(Locale.ROOT).startsWith("match")) {
        continue;
      }
      if (!n.equals("match") && !n.equals("match_exact") && !n.equals("match_urlpattern")) {
        throw new BadRequestException("unsupported matcher parameter \"" + n + "\" (use match or match_urlpattern)");
      }
    }
    for (String type : List.of("match", "match_exact", "match_urlpattern")) {
      for (String v : q.all(type)) {
        if (out.size() >= limits.maxSelectors()) {
          throw new BadRequestException("more than " + limits.maxSelectors() + " matcher parameters");
        }
        out.add(matcher(v, type.equals("match_urlpattern") ? Selector.URL_PATTERN : Selector.EXACT, limits, "\"" + type + "\" parameter"));
      }
    }
    if (out.isEmpty()) {
      throw new BadRequestException("missing \"match\" parameter");
    }
    return out;
  }

  private Selector matcher(String raw, String type, Limits limits, String what) throws BadRequestException {
    if (raw.isEmpty()) {
      throw new BadRequestException("empty " + what);
    }
    if (raw.length() > limits.maxSelectorLength()) {
      throw new BadRequestException(what + " longer than " + limits.maxSelectorLength() + " characters");
    }
    if (!Strings.valid(raw)) {
      throw new BadRequestException(what + " contains a control or format character");
    }
    if (type.equals(Selector.EXACT)) {
      return Selector.exact(raw);
    }
    try {
      return Selector.urlPattern(raw, origin);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("invalid URL pattern in " + what + ": " + e.getMessage());
    }
  }

  @Override
  public String lastEventIdParameter() {
    return "last_event_id";
  }

  @Override
  public String lastEventIdResponseHeader() {
    return "Mercure-Last-Event-ID";
  }

  @Override
  public String cookieName() {
    return cookieName;
  }

  @Override
  public boolean acceptsQueryToken() {
    return false;
  }

  @Override
  public boolean requiresExp() {
    return true;
  }

  @Override
  public Grants grants(TokenVerifier.Verified token, Limits limits) throws InvalidTokenException {
    if (!acceptsTokens()) {
      throw new InvalidTokenException("no trusted issuer is configured for draft tokens");
    }
    Object typ = token.header().getType() == null ? null : token.header().getType().getType();
    String t = typ == null ? "" : typ.toString().toLowerCase(Locale.ROOT);
    if (t.startsWith("application/")) {
      t = t.substring("application/".length());
    }
    if (!t.equals("at+jwt")) {
      throw new InvalidTokenException("the typ header is not at+jwt");
    }
    String iss = token.claims().getIssuer();
    if (iss == null || !issuers.contains(iss)) {
      throw new InvalidTokenException("untrusted issuer " + iss);
    }
    List<String> aud = token.claims().getAudience();
    if (aud == null || !aud.contains(audience)) {
      throw new InvalidTokenException("audience " + aud + " does not name " + audience);
    }
    Object raw = token.claims().getClaim("authorization_details");
    List<Selector> publish = new ArrayList<>();
    List<Selector> subscribe = new ArrayList<>();
    List<@Nullable JsonNode> payloads = new ArrayList<>();
    if (raw != null) {
      JsonNode details = JSON.valueToTree(raw);
      if (!details.isArray()) {
        throw new InvalidTokenException("authorization_details is not an array");
      }
      int total = 0;
      for (JsonNode d : details) {
        if (!d.isObject()) {
          throw new InvalidTokenException("an authorization detail is not an object");
        }
        if (!DETAIL_TYPE.equals(d.path("type").asText(null))) {
          continue; // another API's detail: not ours to judge
        }
        JsonNode actions = d.get("actions");
        JsonNode topics = d.get("topics");
        if (actions == null || !actions.isArray() || actions.isEmpty()) {
          throw new InvalidTokenException("a Mercure authorization detail has no actions");
        }
        if (topics == null || !topics.isArray() || topics.isEmpty()) {
          throw new InvalidTokenException("a Mercure authorization detail has no topics");
        }
        boolean pub = false;
        boolean sub = false;
        for (JsonNode a : actions) {
          if (!a.isTextual()) {
            throw new InvalidTokenException("an action is not a string");
          }
          pub |= a.asText().equals("publish");
          sub |= a.asText().equals("subscribe");
        }
        JsonNode payload = d.get("payload");
        if (payload != null && !payload.isObject()) {
          throw new InvalidTokenException("a payload is not an object");
        }
        for (JsonNode m : topics) {
          if (++total > limits.maxClaimSelectors()) {
            throw new InvalidTokenException("more than " + limits.maxClaimSelectors() + " topic matchers");
          }
          if (!m.isObject() || m.get("match") == null || !m.get("match").isTextual()) {
            throw new InvalidTokenException("a topic matcher is not {\"match\": ...}");
          }
          JsonNode mt = m.get("match_type");
          String type = mt == null ? Selector.EXACT : mt.asText("");
          if (!type.equals(Selector.EXACT) && !type.equals(Selector.URL_PATTERN)) {
            throw new InvalidTokenException("unsupported match_type " + mt);
          }
          Selector s;
          try {
            s = matcher(m.get("match").asText(), type, limits, "topic matcher");
          } catch (BadRequestException e) {
            throw new InvalidTokenException(e.getMessage());
          }
          if (pub) {
            publish.add(s);
          }
          if (sub) {
            subscribe.add(s);
            payloads.add(payload);
          }
        }
      }
    }
    java.util.Date exp = token.claims().getExpirationTime();
    return new Grants(publish, subscribe, payloads, null, exp == null ? null : exp.toInstant(), token.claims().getSubject());
  }

  @Override
  public String subscriptionTopic(String hubPath, Selector subscription, String subscriber) {
    return hubPath + "/subscriptions/" + subscription.type() + "/" + Strings.pctEncode(subscription.raw()) + "/" + Strings.pctEncode(subscriber);
  }

  @Override
  public ObjectNode subscriptionDocument(
      String topic, Selector subscription, String subscriber, boolean active, @Nullable JsonNode payload) {
    ObjectNode d = JSON.createObjectNode();
    d.put("id", topic);
    d.put("type", "subscription");
    d.put("match_type", subscription.type());
    d.put("match", subscription.raw());
    d.put("subscriber", subscriber);
    d.put("active", active);
    if (payload != null) {
      d.set("payload", payload);
    }
    return d;
  }

  @Override
  public @Nullable String subscriptionEventType() {
    return "mercure";
  }

  @Override
  public ObjectNode collectionDocument(String id, String lastEventId, List<ObjectNode> subscriptions) {
    ObjectNode d = JSON.createObjectNode();
    d.put("id", id);
    d.put("type", "subscriptions");
    ArrayNode a = d.putArray("subscriptions");
    subscriptions.forEach(a::add);
    return d;
  }

  @Override
  public String apiContentType() {
    return "application/json";
  }
}
