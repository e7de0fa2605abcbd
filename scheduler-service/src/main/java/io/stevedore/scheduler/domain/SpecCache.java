package io.stevedore.scheduler.domain;

import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.scheduler.store.PipelineStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Parsed specs of pipeline versions. Versions are immutable, so an entry never goes stale; the
 * cache only bounds memory (least recently used out). Saves a schema validation per submission.
 */
@ApplicationScoped
public class SpecCache {

  static final int CAPACITY = 2000;

  private record Key(UUID pipelineId, int version) {}

  private final PipelineStore pipelines;
  private final PipelineSpecParser parser = new PipelineSpecParser();
  private final Map<Key, PipelineSpec> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, PipelineSpec> eldest) {
          return size() > CAPACITY;
        }
      };

  SpecCache(PipelineStore pipelines) {
    this.pipelines = pipelines;
  }

  /** The spec of a stored version, or empty when the version does not exist. */
  public Optional<PipelineSpec> get(UUID pipelineId, int version) {
    Key key = new Key(pipelineId, version);
    synchronized (cache) {
      PipelineSpec cached = cache.get(key);
      if (cached != null) {
        return Optional.of(cached);
      }
    }
    Optional<PipelineSpec> spec =
        pipelines
            .version(pipelineId, version)
            .map(v -> parser.parseOrThrow(v.specJson(), SpecFormat.JSON));
    spec.ifPresent(
        s -> {
          synchronized (cache) {
            cache.put(key, s);
          }
        });
    return spec;
  }
}
