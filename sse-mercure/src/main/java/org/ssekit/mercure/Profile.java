package org.ssekit.mercure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One version of the Mercure protocol's wire format: how a subscribe request names its selectors
 * and its last event id, where the token comes from, what the token's claims grant, and the shape
 * of subscription events. The hub logic (routing, privacy, history, presence) is shared; supporting
 * the next draft is one more implementation. Implementations are immutable and thread-safe.
 */
interface Profile {

  /** {@code released} or {@code draft}, for logs and errors. */
  String name();

  /** Whether the subscribe query {@code q} is written in this profile. */
  boolean handles(Query q);

  /**
   * The subscriptions of a subscribe request, one per selector parameter.
   *
   * @throws BadRequestException when a parameter is invalid, reserved or over a limit
   */
  List<Selector> subscriptions(Query q, Limits limits) throws BadRequestException;

  /** The query parameter a subscriber may resume with instead of the {@code Last-Event-ID} header. */
  String lastEventIdParameter();

  /** The last event id a subscriber resumes from: the header, else this profile's parameter. */
  default @Nullable String lastEventId(HttpServletRequest req, Query q) {
    String h = req.getHeader("Last-Event-ID");
    if (h != null && !h.isEmpty()) {
      return h;
    }
    return q.first(lastEventIdParameter()).filter(v -> !v.isEmpty()).orElse(null);
  }

  /** The response header that tells a resuming subscriber where it resumed from. */
  String lastEventIdResponseHeader();

  /** The cookie this profile reads the token from. */
  String cookieName();

  /** Whether this profile accepts the token in the {@code authorization} query parameter. */
  boolean acceptsQueryToken();

  /** Whether tokens must carry {@code exp}. */
  boolean requiresExp();

  /**
   * What a verified token grants.
   *
   * @throws InvalidTokenException when the claims do not have this profile's shape
   */
  Grants grants(TokenVerifier.Verified token, Limits limits) throws InvalidTokenException;

  /** The topic of the subscription events of {@code subscription} of {@code subscriber}. */
  String subscriptionTopic(String hubPath, Selector subscription, String subscriber);

  /** The JSON document of a subscription (an event's data and the API's item). */
  ObjectNode subscriptionDocument(
      String topic, Selector subscription, String subscriber, boolean active, @Nullable JsonNode payload);

  /** The event type of subscription events, if this profile gives them one. */
  @Nullable String subscriptionEventType();

  /** A collection document of the subscriptions API. */
  ObjectNode collectionDocument(String id, String lastEventId, List<ObjectNode> subscriptions);

  /** The content type of the subscriptions API. */
  String apiContentType();

  /** The limits every profile enforces. */
  record Limits(int maxSelectors, int maxSelectorLength, int maxClaimSelectors) {}
}
