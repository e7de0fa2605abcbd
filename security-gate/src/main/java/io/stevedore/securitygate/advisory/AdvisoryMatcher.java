package io.stevedore.securitygate.advisory;

import io.stevedore.securitygate.inventory.Component;
import io.stevedore.securitygate.inventory.Inventory;
import io.stevedore.securitygate.version.InvalidVersionException;
import io.stevedore.securitygate.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Matches an inventory against the advisory index, per ecosystem: Debian source packages and their
 * versions in {@code Debian:<release>}, Alpine origins in {@code Alpine:v<major.minor>}, Maven
 * {@code group:artifact} in {@code Maven}, each compared with its ecosystem's {@link
 * VersionScheme}. OSV ranges are evaluated as the OSV schema prescribes (events sorted by version;
 * introduced opens, fixed and last_affected close).
 */
public final class AdvisoryMatcher {

  private final AdvisoryIndex index;

  public AdvisoryMatcher(AdvisoryIndex index) {
    this.index = index;
  }

  /** Every (advisory, component) pair where the component's version is affected. */
  public List<VulnerabilityMatch> match(Inventory inventory, List<String> notes) {
    List<VulnerabilityMatch> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Component c : inventory.components()) {
      String ecosystem;
      String name;
      String version;
      switch (c.type()) {
        case DEB -> {
          ecosystem =
              inventory.os().id().equals("ubuntu")
                  ? inventory.os().osvEcosystem()
                  : debianEcosystem(inventory);
          name = c.sourceName();
          version = c.sourceVersion();
        }
        case APK -> {
          ecosystem =
              inventory.os().id().equals("alpine") || inventory.os().id().isEmpty()
                  ? alpineEcosystem(inventory)
                  : inventory.os().osvEcosystem();
          name = c.sourceName();
          version = c.version();
        }
        case MAVEN -> {
          if (c.namespace().isEmpty()) {
            continue; // known only by its manifest title: no Maven coordinate to look up
          }
          ecosystem = "Maven";
          name = c.coordinate();
          version = c.version();
        }
        default -> {
          continue;
        }
      }
      for (Advisory advisory : index.forPackage(ecosystem, name)) {
        for (Advisory.Affected affected : advisory.affected()) {
          if (!affected.name().equals(name) || !sameEcosystem(affected.ecosystem(), ecosystem)) {
            continue;
          }
          VersionScheme scheme = VersionScheme.forOsvEcosystem(affected.ecosystem()).orElse(null);
          if (scheme == null) {
            continue;
          }
          try {
            Verdict v = affects(scheme, affected, version);
            if (v.affected()) {
              String key = advisory.id() + "|" + c.purl() + "|" + c.location();
              if (seen.add(key)) {
                out.add(
                    new VulnerabilityMatch(
                        advisory, c, affected.ecosystem(), name, version, v.fixed()));
              }
              break;
            }
          } catch (InvalidVersionException e) {
            notes.add(advisory.id() + " vs " + c.purl() + ": " + e.getMessage());
          }
        }
      }
    }
    return out;
  }

  private static String debianEcosystem(Inventory inv) {
    String e = inv.os().osvEcosystem();
    return e.startsWith("Debian") ? e : "Debian";
  }

  private static String alpineEcosystem(Inventory inv) {
    String e = inv.os().osvEcosystem();
    return e.startsWith("Alpine") ? e : "Alpine";
  }

  /** {@code wanted} with a release must match exactly; a bare one matches any release. */
  private static boolean sameEcosystem(String advisory, String wanted) {
    if (advisory.equals(wanted)) {
      return true;
    }
    return !wanted.contains(":") && advisory.startsWith(wanted + ":");
  }

  /** Whether a version is affected, and the lowest fix above it. */
  record Verdict(boolean affected, String fixed) {}

  static Verdict affects(VersionScheme scheme, Advisory.Affected affected, String version) {
    for (String listed : affected.versions()) {
      if (scheme.isValid(listed) && scheme.compare(listed, version) == 0) {
        return new Verdict(true, lowestFixAbove(scheme, affected, version));
      }
    }
    for (Advisory.Range range : affected.ranges()) {
      if (!range.type().equals("ECOSYSTEM") && !range.type().equals("SEMVER")) {
        continue; // GIT ranges name commits, not versions
      }
      if (inRange(scheme, range, version)) {
        return new Verdict(true, lowestFixAbove(scheme, affected, version));
      }
    }
    return new Verdict(false, null);
  }

  private static boolean inRange(VersionScheme scheme, Advisory.Range range, String version) {
    List<Advisory.Event> events = new ArrayList<>(range.events());
    Comparator<Advisory.Event> byVersion =
        (a, b) -> {
          boolean az = a.kind() == Advisory.Event.Kind.INTRODUCED && a.version().equals("0");
          boolean bz = b.kind() == Advisory.Event.Kind.INTRODUCED && b.version().equals("0");
          if (az || bz) {
            return az == bz ? 0 : az ? -1 : 1;
          }
          return scheme.compare(a.version(), b.version());
        };
    events.sort(byVersion);
    boolean affected = false;
    for (Advisory.Event e : events) {
      switch (e.kind()) {
        case INTRODUCED -> {
          if (e.version().equals("0") || scheme.compare(version, e.version()) >= 0) {
            affected = true;
          }
        }
        case FIXED -> {
          if (scheme.compare(version, e.version()) >= 0) {
            affected = false;
          }
        }
        case LAST_AFFECTED -> {
          if (scheme.compare(version, e.version()) > 0) {
            affected = false;
          }
        }
        case LIMIT -> {
          if (scheme.compare(version, e.version()) >= 0) {
            affected = false;
          }
        }
      }
    }
    return affected;
  }

  private static String lowestFixAbove(
      VersionScheme scheme, Advisory.Affected affected, String version) {
    String best = null;
    for (Advisory.Range range : affected.ranges()) {
      for (Advisory.Event e : range.events()) {
        if (e.kind() == Advisory.Event.Kind.FIXED
            && scheme.isValid(e.version())
            && scheme.compare(e.version(), version) > 0
            && (best == null || scheme.compare(e.version(), best) < 0)) {
          best = e.version();
        }
      }
    }
    return best;
  }
}
