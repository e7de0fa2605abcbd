package io.stevedore.securitygate.inventory;

import java.util.HashMap;
import java.util.Map;

/**
 * The distribution named in {@code /etc/os-release}.
 *
 * @param id the {@code ID}, such as {@code debian} or {@code alpine}; empty when unknown
 * @param versionId the {@code VERSION_ID}, such as {@code 12} or {@code 3.20.3}
 */
public record OsRelease(String id, String versionId) {

  public static final OsRelease UNKNOWN = new OsRelease("", "");

  static OsRelease parse(String text) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String value = line.substring(eq + 1).trim();
        if (value.length() >= 2
            && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        fields.put(line.substring(0, eq).trim(), value);
      }
    }
    return new OsRelease(fields.getOrDefault("ID", ""), fields.getOrDefault("VERSION_ID", ""));
  }

  /**
   * The OSV ecosystem of this release's OS packages: {@code Debian:12}, {@code Alpine:v3.20}, or
   * the bare distribution name when the version is unknown.
   */
  public String osvEcosystem() {
    return switch (id) {
      case "debian" -> versionId.isEmpty() ? "Debian" : "Debian:" + versionId.split("\\.")[0];
      case "alpine" -> {
        String[] parts = versionId.split("\\.");
        yield parts.length >= 2 ? "Alpine:v" + parts[0] + "." + parts[1] : "Alpine";
      }
      case "ubuntu" -> versionId.isEmpty() ? "Ubuntu" : "Ubuntu:" + versionId;
      default -> id;
    };
  }
}
