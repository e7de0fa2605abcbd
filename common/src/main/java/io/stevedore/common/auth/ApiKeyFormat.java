package io.stevedore.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys look like {@code stv_<key id>_<secret>}: a 12-hex-digit public id, used to find the key,
 * and a 256-bit random secret. Only the SHA-256 of the secret is stored; the secret has full
 * entropy, so a slow password hash would add nothing but latency.
 */
public final class ApiKeyFormat {

  private static final Pattern FORMAT = Pattern.compile("stv_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeyFormat() {}

  /** A parsed key: its public id and its secret. */
  public record Parsed(String id, String secret) {}

  /** A new key: the public id, the full key (shown once) and the stored hash. */
  public record Generated(String id, String key, byte[] secretHash) {}

  public static Generated generate() {
    byte[] idBytes = new byte[6];
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(idBytes);
    RANDOM.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    return new Generated(id, "stv_" + id + "_" + secret, hash(secret));
  }

  public static Optional<Parsed> parse(String key) {
    if (key == null) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(key.trim());
    return m.matches() ? Optional.of(new Parsed(m.group(1), m.group(2))) : Optional.empty();
  }

  public static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Constant-time comparison of a presented secret with a stored hash. */
  public static boolean matches(String secret, byte[] storedHash) {
    return MessageDigest.isEqual(hash(secret), storedHash);
  }
}
