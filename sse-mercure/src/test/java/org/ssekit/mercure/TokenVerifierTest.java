package org.ssekit.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final TokenVerifier hs = TokenVerifier.create("HS256", Tokens.SECRET, CLOCK);
  private final Profile.Limits limits = new Profile.Limits(100, 2048, 1000);

  @Test
  void acceptsTheConformanceSuitesTokenAndReadsItsClaim() throws Exception {
    // the token of the released conformance suite: {"mercure":{"publish":["*"],"subscribe":["*"]}}, no exp
    String t =
        "eyJhbGciOiJIUzI1NiJ9.eyJtZXJjdXJlIjp7InB1Ymxpc2giOlsiKiJdLCJzdWJzY3JpYmUiOlsiKiJdfX0.bVXdlWXwfw9ySx7-iV5OpUSHo34RkjUdVzDLBcc6l_g";
    Grants g = new ReleasedProfile(ReleasedProfile.COOKIE).grants(hs.verify(t, false), limits);
    assertThat(g.canPublish(List.of("anything", "https://example.com/x"))).isTrue();
    assertThat(g.canReceive(List.of("whatever"))).isTrue();
  }

  @Test
  void refusesABadSignature() {
    String t = Tokens.released("another-secret-that-is-long-enough!!", List.of("*"), List.of());
    assertThatThrownBy(() -> hs.verify(t, false)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("signature");
  }

  @Test
  void refusesAlgNone() {
    String header = b64("{\"alg\":\"none\"}");
    String body = b64("{\"mercure\":{\"publish\":[\"*\"]}}");
    assertThatThrownBy(() -> hs.verify(header + "." + body + ".", false)).isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> TokenVerifier.create("none", Tokens.SECRET, CLOCK)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAnotherAlgorithmThanTheConfiguredOne() {
    String t =
        Tokens.sign(
            new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS384),
            Tokens.mac("a-secret-for-hs384-must-be-at-least-48-bytes-long!!"),
            c -> c.claim("mercure", Map.of()));
    assertThatThrownBy(() -> hs.verify(t, false)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("algorithm");
  }

  @Test
  void refusesExpiredAndNotYetValidTokens() {
    String expired = Tokens.hs256(Tokens.SECRET, c -> c.expirationTime(Date.from(NOW.minusSeconds(1))));
    String future = Tokens.hs256(Tokens.SECRET, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(60))));
    String noExp = Tokens.hs256(Tokens.SECRET, c -> c.subject("x"));
    assertThatThrownBy(() -> hs.verify(expired, false)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("expired");
    assertThatThrownBy(() -> hs.verify(future, false)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("before");
    assertThatThrownBy(() -> hs.verify(noExp, true)).isInstanceOf(InvalidTokenException.class).hasMessageContaining("exp");
  }

  @Test
  void verifiesRs256AndRefusesAnHmacTokenSignedWithThePublicKey() throws Exception {
    KeyPair kp = Tokens.rsa();
    String pem = Tokens.pem(kp);
    TokenVerifier rs = TokenVerifier.create("RS256", pem, CLOCK);
    String good = Tokens.rs256(kp, c -> c.subject("s").expirationTime(Date.from(NOW.plusSeconds(60))));
    assertThat(rs.verify(good, true).claims().getSubject()).isEqualTo("s");
    // algorithm confusion: an HS256 token whose secret is the public key's PEM text
    String confused = Tokens.hs256(pem, c -> c.subject("attacker"));
    assertThatThrownBy(() -> rs.verify(confused, false)).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void verifiesEs256() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    TokenVerifier es = TokenVerifier.create("ES256", Tokens.pem(kp), CLOCK);
    String t =
        Tokens.sign(
            new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.ES256),
            new com.nimbusds.jose.crypto.ECDSASigner((java.security.interfaces.ECPrivateKey) kp.getPrivate()),
            c -> c.subject("ec"));
    assertThat(es.verify(t, false).claims().getSubject()).isEqualTo("ec");
    String other = Tokens.hs256(Tokens.SECRET, c -> c.subject("ec"));
    assertThatThrownBy(() -> es.verify(other, false)).isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void theDiscoveryLinkPointsAtTheHub() {
    assertThat(MercureHub.discoveryLink("https://example.com/.well-known/mercure"))
        .isEqualTo("<https://example.com/.well-known/mercure>; rel=\"mercure\"");
    assertThatThrownBy(() -> MercureHub.discoveryLink("https://e.com/>; rel=evil")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesKeysThatDoNotSuitTheAlgorithm() {
    assertThatThrownBy(() -> TokenVerifier.create("HS256", "short", CLOCK)).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> TokenVerifier.create("RS256", "not a pem", CLOCK)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenVerifier.create("XYZ", Tokens.SECRET, CLOCK)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void releasedClaimsGrantPublishOnEveryTopicAndPrivateReadOnOne() throws Exception {
    String t = Tokens.released(Tokens.SECRET, List.of("https://example.com/books/{id}"), List.of("https://example.com/users/42/{?topic}"));
    Grants g = new ReleasedProfile(ReleasedProfile.COOKIE).grants(hs.verify(t, false), limits);
    assertThat(g.canPublish(List.of("https://example.com/books/1"))).isTrue();
    assertThat(g.canPublish(List.of("https://example.com/books/1", "https://example.com/other"))).isFalse();
    assertThat(g.canReceive(List.of("https://example.com/books/1"))).isFalse();
    assertThat(g.canReceive(List.of("https://example.com/books/1", "https://example.com/users/42/?topic=1"))).isTrue();
  }

  @Test
  void releasedClaimsOfTheWrongShapeAreInvalid() {
    String t = Tokens.hs256(Tokens.SECRET, c -> c.claim("mercure", Map.of("publish", "*")));
    assertThatThrownBy(() -> new ReleasedProfile(ReleasedProfile.COOKIE).grants(hs.verify(t, false), limits))
        .isInstanceOf(InvalidTokenException.class);
  }

  @Test
  void draftTokensNeedAtJwtIssuerAudienceAndExp() throws Exception {
    DraftProfile draft = new DraftProfile(DraftProfile.COOKIE, java.util.Set.of("https://app"), "https://hub/.well-known/mercure", "https://hub");
    List<Map<String, Object>> details =
        List.of(Tokens.detail(List.of("subscribe", "future-action"), List.of(Map.of("match", "https://example.com/books/:id", "match_type", "urlpattern"))));
    String ok = Tokens.draft(Tokens.SECRET, "https://app", "https://hub/.well-known/mercure", details, NOW.plusSeconds(60));
    Grants g = draft.grants(hs.verify(ok, true), limits);
    assertThat(g.canReceive(List.of("https://example.com/books/3"))).isTrue();
    assertThat(g.canPublish(List.of("https://example.com/books/3"))).isFalse();

    String wrongIss = Tokens.draft(Tokens.SECRET, "https://evil", "https://hub/.well-known/mercure", details, NOW.plusSeconds(60));
    String wrongAud = Tokens.draft(Tokens.SECRET, "https://app", "https://other-hub", details, NOW.plusSeconds(60));
    String plainJwt = Tokens.hs256(Tokens.SECRET, c -> c.issuer("https://app").audience("https://hub/.well-known/mercure").expirationTime(Date.from(NOW.plusSeconds(60))));
    for (String bad : List.of(wrongIss, wrongAud, plainJwt)) {
      assertThatThrownBy(() -> draft.grants(hs.verify(bad, true), limits)).isInstanceOf(InvalidTokenException.class);
    }
    List<Map<String, Object>> badType = List.of(Tokens.detail(List.of("subscribe"), List.of(Map.of("match", "x", "match_type", "regex"))));
    String unsupported = Tokens.draft(Tokens.SECRET, "https://app", "https://hub/.well-known/mercure", badType, NOW.plusSeconds(60));
    assertThatThrownBy(() -> draft.grants(hs.verify(unsupported, true), limits)).hasMessageContaining("match_type");
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
