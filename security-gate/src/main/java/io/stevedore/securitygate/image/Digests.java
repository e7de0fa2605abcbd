package io.stevedore.securitygate.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** {@code sha256:<hex>} digests. */
public final class Digests {

  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private Digests() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  public static String sha256(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
  }

  public static String format(MessageDigest digest) {
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  /** Checks the form of a digest; only sha256 is accepted. */
  public static String require(String digest) {
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw new ImageException("digest '" + digest + "' is not of the form sha256:<64 hex digits>");
    }
    return digest;
  }

  /** The hex part of a sha256 digest. */
  public static String hex(String digest) {
    return require(digest).substring("sha256:".length());
  }
}
