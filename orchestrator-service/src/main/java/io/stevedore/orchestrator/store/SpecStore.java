package io.stevedore.orchestrator.store;

import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpec.Stage;
import io.stevedore.common.spec.PipelineSpecParser;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.domain.Dag;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Pipeline versions are immutable, so each is read and parsed once and kept with its stage graph.
 */
@ApplicationScoped
public class SpecStore {

  /**
   * A parsed pipeline version with its graph, and the JSON of its stages as each attempt's task
   * carries it (written once per version, not once per attempt).
   */
  public record Version(PipelineSpec spec, Dag dag, ConcurrentMap<String, String> stageJson) {

    Version(PipelineSpec spec, Dag dag) {
      this(spec, dag, new ConcurrentHashMap<>());
    }

    /** The JSON of one of this version's stages: {@code write}'s answer, kept for the next call. */
    public String stageJson(Stage stage, Function<Stage, String> write) {
      return stageJson.computeIfAbsent(stage.id(), id -> write.apply(stage));
    }
  }

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
    // Stored by the scheduler after its checks: mapped, not checked again.
    PipelineSpec spec = parser.readStored(json);
    return new Version(spec, new Dag(spec));
  }
}
