package io.stevedore.securitygate.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds well-known secret shapes in text, reporting them redacted. */
public final class SecretScanner {

  /** A kind of secret and its pattern. */
  enum Kind {
    AWS_ACCESS_KEY_ID("AWS access key id", "(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
    PRIVATE_KEY(
        "private key",
        "-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"),
    GITHUB_TOKEN("GitHub token", "(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}"),
    SLACK_TOKEN("Slack token", "(?<![A-Za-z0-9])xox[bp]-[0-9A-Za-z-]{10,}"),
    AWS_SECRET_KEY(
        "AWS secret access key",
        "(?i)aws_?secret_?access_?key[\"']?\\s*[:=]\\s*[\"']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])");

    final String label;
    final Pattern pattern;

    Kind(String label, String regex) {
      this.label = label;
      this.pattern = Pattern.compile(regex);
    }
  }

  /**
   * A secret found.
   *
   * @param kind what it looks like
   * @param line the 1-based line, 0 for single-line values
   * @param redacted the first characters and a mask, never the secret itself
   */
  public record Hit(String kind, int line, String redacted) {}

  private SecretScanner() {}

  public static List<Hit> scan(String text) {
    List<Hit> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      for (Kind k : Kind.values()) {
        Matcher m = k.pattern.matcher(lines[i]);
        while (m.find()) {
          out.add(new Hit(k.label, lines.length == 1 ? 0 : i + 1, redact(m.group())));
        }
      }
    }
    return out;
  }

  public static List<Hit> scan(byte[] bytes) {
    return scan(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  static String redact(String secret) {
    if (secret.startsWith("-----")) {
      return secret;
    }
    int keep = Math.min(4, secret.length() / 4);
    return secret.substring(0, keep) + "*".repeat(Math.max(4, secret.length() - keep));
  }
}
