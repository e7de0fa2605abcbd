package io.stevedore.securitygate.version;

import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * How one ecosystem orders its version strings.
 *
 * <p>Implementations are stateless singletons. {@link #compare} throws {@link
 * InvalidVersionException} for a string the ecosystem does not accept, so a caller decides what an
 * unreadable version means instead of getting a silent, arbitrary order.
 */
public interface VersionScheme extends Comparator<String> {

  /** The scheme's name: {@code dpkg}, {@code apk} or {@code maven}. */
  String name();

  /** Whether {@code version} is a version this scheme can order. */
  boolean isValid(String version);

  /**
   * A canonical spelling: two versions compare equal exactly when their normalized forms are equal.
   *
   * @throws InvalidVersionException if the version is not valid in this scheme
   */
  String normalize(String version);

  /**
   * Negative, zero or positive as {@code a} is lower than, equal to or higher than {@code b}.
   *
   * @throws InvalidVersionException if either version is not valid in this scheme
   */
  @Override
  int compare(String a, String b);

  /** The Debian package version scheme ({@code dpkg --compare-versions}). */
  static VersionScheme dpkg() {
    return DpkgVersionScheme.INSTANCE;
  }

  /** Alpine's apk version scheme. */
  static VersionScheme apk() {
    return ApkVersionScheme.INSTANCE;
  }

  /** Maven's {@code ComparableVersion} ordering. */
  static VersionScheme maven() {
    return MavenVersionScheme.INSTANCE;
  }

  /**
   * The scheme of an OSV ecosystem name ({@code Debian:12}, {@code Alpine:v3.20}, {@code Maven}),
   * or empty when none is known.
   */
  static Optional<VersionScheme> forOsvEcosystem(String ecosystem) {
    if (ecosystem == null) {
      return Optional.empty();
    }
    String base = ecosystem.split(":", 2)[0].trim().toLowerCase(Locale.ROOT);
    return switch (base) {
      case "debian", "ubuntu" -> Optional.of(dpkg());
      case "alpine", "wolfi", "chainguard" -> Optional.of(apk());
      case "maven" -> Optional.of(maven());
      default -> Optional.empty();
    };
  }
}
