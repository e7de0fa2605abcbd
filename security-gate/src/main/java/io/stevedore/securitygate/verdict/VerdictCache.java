package io.stevedore.securitygate.verdict;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Verdicts by key, in memory, least recently used evicted beyond a bound. Thread-safe. */
public final class VerdictCache {

  private final Map<String, Verdict> entries;

  public VerdictCache(int maxEntries) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Verdict> eldest) {
            return size() > maxEntries;
          }
        };
  }

  public synchronized Optional<Verdict> get(VerdictKey key) {
    return Optional.ofNullable(entries.get(key.value()));
  }

  public synchronized void put(Verdict verdict) {
    entries.put(verdict.key().value(), verdict);
  }

  public synchronized int size() {
    return entries.size();
  }
}
