package io.stevedore.securitygate.inventory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One installed package or library.
 *
 * @param type what kind of package
 * @param namespace the distribution ({@code debian}, {@code alpine}) or the Maven groupId; empty
 *     for a jar known only by its manifest title
 * @param name the binary package name or the Maven artifactId
 * @param version the installed version
 * @param sourceName the source package (dpkg {@code Source}, apk origin); the name when none given
 * @param sourceVersion the source package's version; the version when none given
 * @param arch the architecture, when known
 * @param location where it was found: the database or jar path (nested jars as {@code outer!inner})
 */
public record Component(
    Type type,
    String namespace,
    String name,
    String version,
    String sourceName,
    String sourceVersion,
    String arch,
    String location) {

  /** Kinds of component. */
  public enum Type {
    DEB,
    APK,
    MAVEN
  }

  public Component {
    namespace = namespace == null ? "" : namespace;
    sourceName = sourceName == null || sourceName.isBlank() ? name : sourceName;
    sourceVersion = sourceVersion == null || sourceVersion.isBlank() ? version : sourceVersion;
    arch = arch == null ? "" : arch;
  }

  /** The package URL (purl) of this component. */
  public String purl() {
    StringBuilder p = new StringBuilder("pkg:");
    switch (type) {
      case DEB -> p.append("deb/").append(enc(namespace.isEmpty() ? "debian" : namespace));
      case APK -> p.append("apk/").append(enc(namespace.isEmpty() ? "alpine" : namespace));
      case MAVEN -> {
        p.append("maven");
        if (!namespace.isEmpty()) {
          p.append('/').append(enc(namespace));
        }
      }
    }
    p.append('/').append(enc(name)).append('@').append(enc(version));
    StringBuilder q = new StringBuilder();
    if (!arch.isEmpty()) {
      q.append("arch=").append(enc(arch));
    }
    if (type != Type.MAVEN && !sourceName.equals(name)) {
      q.append(q.length() > 0 ? "&" : "").append(type == Type.DEB ? "upstream=" : "origin=");
      q.append(enc(sourceName));
    }
    if (q.length() > 0) {
      p.append('?').append(q);
    }
    return p.toString();
  }

  /** The Maven coordinate {@code group:artifact}, or the name for other types. */
  public String coordinate() {
    return type == Type.MAVEN && !namespace.isEmpty() ? namespace + ":" + name : name;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("%3A", ":")
        .replace("%7E", "~");
  }
}
