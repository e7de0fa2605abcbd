package io.stevedore.orchestrator.store;

import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.spec.SpecFormat;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.domain.Dag;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pipeline versions are immutable, so each is read and parsed once and kept with its stage graph.
 */
@ApplicationScoped
public class SpecStore {

  /** A parsed pipeline version with its graph. */
  public record Version(PipelineSpec spec, Dag dag) {}

  private record Key(UUID pipelineId, int version) {}

  private final Jdbc jdbc;
  private final PipelineSpecParser parser = new PipelineSpecParser();
  private final Map<Key, Version> cache = new ConcurrentHashMap<>();

  SpecStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The version a run executes.
   *
   * @throws IllegalStateException if it does not exist
   */
  public Version version(UUID pipelineId, int version) {
    return cache.computeIfAbsent(new Key(pipelineId, version), this::load);
  }

  private Version load(Key key) {
    String json =
        jdbc.one(
                "select spec::text from jobs.pipeline_versions where pipeline_id = ? and version = ?",
                rs -> rs.getString(1),
                key.pipelineId(),
                key.version())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "pipeline "
                            + key.pipelineId()
                            + " version "
                            + key.version()
                            + " not found"));
    PipelineSpec spec = parser.parseOrThrow(json, SpecFormat.JSON);
    return new Version(spec, new Dag(spec));
  }
}
