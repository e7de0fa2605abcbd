package io.stevedore.securitygate.advisory;

import io.stevedore.securitygate.image.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The advisories known, in memory, indexed by ecosystem and package name. Thread-safe; writers
 * serialize, readers see a consistent map per lookup.
 *
 * <p>An advisory is replaced only by a version with a later {@code modified} time. {@link
 * #dataVersion()} names the current content, so a verdict computed against it can be recognized as
 * stale once anything changes.
 */
public final class AdvisoryIndex {

  /** What an upsert did. */
  public enum Change {
    INSERTED,
    UPDATED,
    UNCHANGED
  }

  private final Map<String, Advisory> byId = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> byPackage = new ConcurrentHashMap<>();
  private volatile String dataVersion;

  /** Adds an advisory, or replaces the stored one when this one is newer. */
  public synchronized Change upsert(Advisory advisory) {
    Advisory old = byId.get(advisory.id());
    if (old != null && !advisory.modified().isAfter(old.modified())) {
      return Change.UNCHANGED;
    }
    if (old != null) {
      for (Advisory.Affected a : old.affected()) {
        for (String key : keys(a.ecosystem(), a.name())) {
          Set<String> ids = byPackage.get(key);
          if (ids != null) {
            ids.remove(old.id());
          }
        }
      }
    }
    byId.put(advisory.id(), advisory);
    for (Advisory.Affected a : advisory.affected()) {
      for (String key : keys(a.ecosystem(), a.name())) {
        byPackage.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(advisory.id());
      }
    }
    dataVersion = null;
    return old == null ? Change.INSERTED : Change.UPDATED;
  }

  public Optional<Advisory> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public int size() {
    return byId.size();
  }

  public Collection<Advisory> all() {
    return List.copyOf(byId.values());
  }

  /**
   * Advisories naming a package in an ecosystem. {@code ecosystem} may carry a release ({@code
   * Debian:12}); a bare one ({@code Debian}) finds every release's advisories.
   */
  public List<Advisory> forPackage(String ecosystem, String name) {
    Set<String> ids = byPackage.get(key(ecosystem, name));
    if (ids == null) {
      return List.of();
    }
    List<Advisory> out = new ArrayList<>();
    for (String id : ids) {
      Advisory a = byId.get(id);
      if (a != null) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * A digest over every advisory's id and modified time: equal for equal content, different once
   * any advisory is added or changed.
   */
  public String dataVersion() {
    String v = dataVersion;
    if (v == null) {
      synchronized (this) {
        TreeMap<String, String> sorted = new TreeMap<>();
        byId.values().forEach(a -> sorted.put(a.id(), a.modified().toString()));
        MessageDigest md = Digests.sha256();
        sorted.forEach(
            (id, modified) ->
                md.update((id + "@" + modified + "\n").getBytes(StandardCharsets.UTF_8)));
        v = Digests.format(md);
        dataVersion = v;
      }
    }
    return v;
  }

  private static List<String> keys(String ecosystem, String name) {
    String base = ecosystem.split(":", 2)[0];
    if (base.equals(ecosystem)) {
      return List.of(key(ecosystem, name));
    }
    return List.of(key(ecosystem, name), key(base, name));
  }

  private static String key(String ecosystem, String name) {
    return ecosystem + "\u0000" + name;
  }
}
