package io.stevedore.scheduler.domain;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last seen id, latest version and archive state of the teams' pipelines, by (team, name), for
 * HTTP submissions. Only a guess: {@code RunStore.insertWithOutbox} inserts a run only if the guess
 * still holds in the database, and otherwise returns what it found, so a new version or an archive
 * (here or on another instance) is seen by the next submission at once. Archived pipelines are not
 * kept, so every submission to one reads the database. Bounded: when full, it starts over.
 */
@ApplicationScoped
public class PipelineHeads {

  static final int CAPACITY = 10_000;

  /** A pipeline as last seen. */
  public record Head(UUID id, String name, int latestVersion, boolean archived) {}

  private record Key(UUID teamId, String name) {}

  private final Map<Key, Head> heads = new ConcurrentHashMap<>();

  public Optional<Head> get(UUID teamId, String name) {
    return Optional.ofNullable(heads.get(new Key(teamId, name)));
  }

  /**
   * Remembers a pipeline as just read from the database. An archived one is forgotten instead, so
   * that un-archiving (a new version) is seen at once: the next submission reads it again.
   */
  public void put(UUID teamId, Head head) {
    if (head.archived()) {
      forget(teamId, head.name());
      return;
    }
    if (heads.size() >= CAPACITY) {
      heads.clear();
    }
    heads.put(new Key(teamId, head.name()), head);
  }

  public void forget(UUID teamId, String name) {
    heads.remove(new Key(teamId, name));
  }
}
