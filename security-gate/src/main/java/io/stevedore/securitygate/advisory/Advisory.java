package io.stevedore.securitygate.advisory;

import java.time.Instant;
import java.util.List;

/**
 * One OSV advisory.
 *
 * @param id the OSV id ({@code DSA-5532-1}, {@code GHSA-...}, {@code CVE-...})
 * @param modified when the source last changed it
 * @param aliases other ids, typically CVE ids
 * @param summary a one-line summary, empty when none
 * @param severity the severity bucket (from a CVSS v3 vector or the database's own rating)
 * @param score the CVSS base score, or null when not computed
 * @param affected the affected packages
 * @param importedAt when this version was imported
 */
public record Advisory(
    String id,
    Instant modified,
    List<String> aliases,
    String summary,
    Severity severity,
    Double score,
    List<Affected> affected,
    Instant importedAt) {

  public Advisory {
    aliases = List.copyOf(aliases);
    affected = List.copyOf(affected);
    summary = summary == null ? "" : summary;
  }

  /** The id and aliases that name a CVE, the id first when it is one. */
  public List<String> cveIds() {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    if (id.startsWith("CVE-")) {
      out.add(id);
    }
    aliases.stream().filter(a -> a.startsWith("CVE-") && !out.contains(a)).forEach(out::add);
    return out;
  }

  /**
   * One affected package.
   *
   * @param ecosystem the OSV ecosystem ({@code Debian:12}, {@code Alpine:v3.19}, {@code Maven})
   * @param name the package name (Debian source package, Alpine origin, Maven {@code g:a})
   * @param purl the package URL, empty when none
   * @param ranges the version ranges
   * @param versions versions listed as affected one by one
   */
  public record Affected(
      String ecosystem, String name, String purl, List<Range> ranges, List<String> versions) {
    public Affected {
      purl = purl == null ? "" : purl;
      ranges = List.copyOf(ranges);
      versions = List.copyOf(versions);
    }
  }

  /**
   * A range of versions, by events.
   *
   * @param type {@code ECOSYSTEM}, {@code SEMVER} or {@code GIT}
   * @param events introduced, fixed, last_affected and limit events, as given
   */
  public record Range(String type, List<Event> events) {
    public Range {
      events = List.copyOf(events);
    }
  }

  /** One range event. */
  public record Event(Kind kind, String version) {
    /** Kinds of range event. */
    public enum Kind {
      INTRODUCED,
      FIXED,
      LAST_AFFECTED,
      LIMIT
    }
  }
}
