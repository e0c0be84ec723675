package org.ssekit.mercure;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Mints test tokens with nimbus. */
final class Tokens {

  static final String SECRET = "!ChangeThisMercureHubJWTSecretKey!";
  static final String SUBSCRIBER_SECRET = "another-secret-of-at-least-32-bytes!!";

  private Tokens() {}

  static String hs256(String secret, Consumer<JWTClaimsSet.Builder> claims) {
    return sign(new JWSHeader(JWSAlgorithm.HS256), mac(secret), claims);
  }

  /** A released-profile token: {@code {"mercure": {"publish": [...], "subscribe": [...]}}}. */
  static String released(String secret, List<String> publish, List<String> subscribe) {
    return hs256(secret, c -> c.claim("mercure", Map.of("publish", publish, "subscribe", subscribe)));
  }

  static JWSSigner mac(String secret) {
    try {
      return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
    } catch (com.nimbusds.jose.KeyLengthException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String sign(JWSHeader header, JWSSigner signer, Consumer<JWTClaimsSet.Builder> claims) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
    claims.accept(b);
    SignedJWT jwt = new SignedJWT(header, b.build());
    try {
      jwt.sign(signer);
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** A draft-profile token: at+jwt with authorization_details. */
  static String draft(String secret, String iss, String aud, List<Map<String, Object>> details, Instant exp) {
    JWSHeader h = new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).build();
    return sign(h, mac(secret), c -> c.issuer(iss).audience(aud).subject("user-1").expirationTime(Date.from(exp)).claim("authorization_details", details));
  }

  static Map<String, Object> detail(List<String> actions, List<Map<String, String>> topics) {
    return Map.of("type", DraftProfile.DETAIL_TYPE, "actions", actions, "topics", topics);
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(KeyPair kp) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(kp.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String rs256(KeyPair kp, Consumer<JWTClaimsSet.Builder> claims) {
    return sign(new JWSHeader(JWSAlgorithm.RS256), new RSASSASigner((RSAPrivateKey) kp.getPrivate()), claims);
  }
}
