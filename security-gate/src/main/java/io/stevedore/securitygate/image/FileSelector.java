package io.stevedore.securitygate.image;

import java.util.Locale;
import java.util.Set;

/** Which files of an image's layers are kept in memory, and why. */
public final class FileSelector {

  /** Why a file is kept. */
  public enum Purpose {
    /** Package databases and jars, read by the inventory. */
    INVENTORY,
    /** Small text files, read by the secret scan. */
    SCAN,
    /** Not kept. */
    NONE
  }

  private static final Set<String> SCAN_SUFFIXES =
      Set.of(
          ".env",
          ".properties",
          ".yml",
          ".yaml",
          ".json",
          ".conf",
          ".cfg",
          ".ini",
          ".sh",
          ".pem",
          ".key",
          ".txt",
          ".xml",
          ".toml",
          ".py",
          ".js",
          "credentials",
          "config",
          ".npmrc",
          ".netrc",
          ".pgpass",
          "id_rsa",
          "id_ecdsa",
          "id_ed25519");

  private static final Set<String> SCAN_SKIP_PREFIXES =
      Set.of("usr/share/", "usr/lib/", "usr/include/", "lib/", "var/lib/dpkg/", "proc/", "sys/");

  private FileSelector() {}

  /** Classifies a cleaned path (no leading slash). */
  public static Purpose purpose(String path) {
    if (path.equals("var/lib/dpkg/status")
        || (path.startsWith("var/lib/dpkg/status.d/") && path.indexOf('/', 22) < 0)
        || path.equals("lib/apk/db/installed")
        || path.equals("etc/os-release")
        || path.equals("usr/lib/os-release")) {
      return Purpose.INVENTORY;
    }
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".jar") || lower.endsWith(".war")) {
      return Purpose.INVENTORY;
    }
    for (String prefix : SCAN_SKIP_PREFIXES) {
      if (lower.startsWith(prefix)) {
        return Purpose.NONE;
      }
    }
    for (String suffix : SCAN_SUFFIXES) {
      if (lower.endsWith(suffix)) {
        return Purpose.SCAN;
      }
    }
    return Purpose.NONE;
  }
}
