package io.stevedore.securitygate.policy;

import java.util.Locale;

/**
 * The registry-and-repository part of an image reference, for prefix checks: {@code
 * registry/path/name}, without tag or digest, Docker Hub short names expanded ({@code nginx} is
 * {@code docker.io/library/nginx}), the registry host lower-cased.
 */
public final class ImageReference {

  private ImageReference() {}

  public static String repository(String reference) {
    String r = reference.trim();
    int at = r.indexOf('@');
    if (at >= 0) {
      r = r.substring(0, at);
    }
    int slash = r.lastIndexOf('/');
    int colon = r.lastIndexOf(':');
    if (colon > slash) {
      r = r.substring(0, colon); // a tag
    }
    int first = r.indexOf('/');
    String head = first < 0 ? r : r.substring(0, first);
    boolean hasRegistry =
        first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"));
    if (!hasRegistry) {
      r = "docker.io/" + (first < 0 ? "library/" + r : r);
      first = r.indexOf('/');
      head = "docker.io";
    }
    return head.toLowerCase(Locale.ROOT) + r.substring(first);
  }

  /**
   * Whether {@code reference} lies under {@code prefix}: equal to it, or continuing after it with a
   * {@code /}. So {@code ecr.example/team} admits {@code ecr.example/team/app} but not {@code
   * ecr.example/team-evil/app}.
   */
  public static boolean isUnder(String reference, String prefix) {
    String repo = repository(reference);
    String p = prefix.trim();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    int first = p.indexOf('/');
    p =
        first < 0
            ? p.toLowerCase(Locale.ROOT)
            : p.substring(0, first).toLowerCase(Locale.ROOT) + p.substring(first);
    return repo.equals(p) || repo.startsWith(p + "/");
  }
}
