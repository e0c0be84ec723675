package org.ssekit.mercure;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies compact JWS tokens with one configured key and algorithm (nimbus-jose-jwt does the
 * cryptography): the token's {@code alg} must be exactly the configured one ({@code none} and every
 * other algorithm are refused, so no algorithm confusion), the signature must verify, {@code exp}
 * must be in the future and {@code nbf} in the past when present. Immutable and thread-safe.
 */
final class TokenVerifier {

  private static final Set<JWSAlgorithm> HMAC = JWSAlgorithm.Family.HMAC_SHA;
  private static final Set<JWSAlgorithm> RSA = JWSAlgorithm.Family.RSA;
  private static final Set<JWSAlgorithm> EC = JWSAlgorithm.Family.EC;
  /** The longest token accepted; larger ones are refused before parsing. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private final JWSAlgorithm algorithm;
  private final JWSVerifier verifier;
  private final Clock clock;

  private TokenVerifier(JWSAlgorithm algorithm, JWSVerifier verifier, Clock clock) {
    this.algorithm = algorithm;
    this.verifier = verifier;
    this.clock = clock;
  }

  /**
   * A verifier for {@code alg} ({@code HS256/384/512}, {@code RS*}, {@code PS*}, {@code ES*}) with
   * {@code key}: the shared secret for HS*, a PEM public key ({@code -----BEGIN PUBLIC KEY-----})
   * otherwise.
   *
   * @throws IllegalArgumentException if the algorithm is unknown or {@code none}, or the key does
   *     not suit it (an HMAC secret shorter than the algorithm's hash, a key of the wrong type)
   */
  static TokenVerifier create(String alg, String key, Clock clock) {
    JWSAlgorithm a = JWSAlgorithm.parse(alg.trim().toUpperCase(Locale.ROOT));
    try {
      if (HMAC.contains(a)) {
        byte[] secret = key.getBytes(StandardCharsets.UTF_8);
        int needed = Integer.parseInt(a.getName().substring(2)) / 8;
        if (secret.length < needed) {
          throw new IllegalArgumentException(
              a + " needs a secret of at least " + needed + " bytes; this one has " + secret.length);
        }
        return new TokenVerifier(a, new MACVerifier(secret), clock);
      }
      if (RSA.contains(a)) {
        return new TokenVerifier(a, new RSASSAVerifier((RSAPublicKey) publicKey(key, "RSA")), clock);
      }
      if (EC.contains(a) && !a.equals(JWSAlgorithm.ES256K)) {
        return new TokenVerifier(a, new ECDSAVerifier((ECPublicKey) publicKey(key, "EC")), clock);
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the key does not suit " + a + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        "unsupported JWT algorithm " + alg + " (use HS256/384/512, RS256/384/512, PS256/384/512 or ES256/384/512)");
  }

  private static PublicKey publicKey(String pem, String type) {
    String body =
        pem.replace("\\n", "\n")
            .replaceAll("-----BEGIN [A-Z ]+-----", "")
            .replaceAll("-----END [A-Z ]+-----", "")
            .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a PEM " + type + " public key (-----BEGIN PUBLIC KEY----- ...): " + e.getMessage(), e);
    }
  }

  /** The configured algorithm. */
  JWSAlgorithm algorithm() {
    return algorithm;
  }

  /** A verified token: its header and claims. */
  record Verified(JWSHeader header, JWTClaimsSet claims) {}

  /**
   * Verifies {@code token}.
   *
   * @param requireExp refuse a token without {@code exp} (the draft requires one)
   * @throws InvalidTokenException saying why, for logs; clients only learn it is invalid
   */
  Verified verify(String token, boolean requireExp) throws InvalidTokenException {
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("token longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("not a signed JWT: " + e.getMessage());
    }
    JWSHeader header = jwt.getHeader();
    if (!algorithm.equals(header.getAlgorithm())) {
      throw new InvalidTokenException("algorithm " + header.getAlgorithm() + " is not the configured " + algorithm);
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidTokenException("bad signature");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("cannot verify the signature: " + e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("claims are not a JSON object: " + e.getMessage());
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null && requireExp) {
      throw new InvalidTokenException("no exp claim");
    }
    if (exp != null && !now.isBefore(exp.toInstant())) {
      throw new InvalidTokenException("expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant())) {
      throw new InvalidTokenException("not valid before " + nbf.toInstant());
    }
    return new Verified(header, claims);
  }
}
