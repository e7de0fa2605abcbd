package io.stevedore.orchestrator.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.spec.PipelineSpec;
import io.stevedore.common.spec.PipelineSpec.Stage;
import io.stevedore.common.spec.PipelineSpecParser;
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

  /**
   * A parsed pipeline version with its graph, and the JSON of its stages as each attempt's task
   * carries it ({@code STEVEDORE_STAGE_SPEC}), written once per version, not once per attempt.
   */
  public static final class Version {
    private final PipelineSpec spec;
    private final Dag dag;
    private final ObjectMapper mapper;
    private final Map<String, String> stageJson = new ConcurrentHashMap<>();

    Version(PipelineSpec spec, Dag dag, ObjectMapper mapper) {
      this.spec = spec;
      this.dag = dag;
      this.mapper = mapper;
    }

    public PipelineSpec spec() {
      return spec;
    }

    public Dag dag() {
      return dag;
    }

    /** The JSON of one of this version's stages. */
    public String stageJson(Stage stage) {
      return stageJson.computeIfAbsent(stage.id(), id -> write(stage));
    }

    private String write(Stage stage) {
      try {
        return mapper.writeValueAsString(stage);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
      }
    }
  }

  private record Key(UUID pipelineId, int version) {}

  private final Jdbc jdbc;
  private final ObjectMapper mapper;
  private final PipelineSpecParser parser = new PipelineSpecParser();
  private final Map<Key, Version> cache = new ConcurrentHashMap<>();

  SpecStore(Jdbc jdbc, ObjectMapper mapper) {
    this.jdbc = jdbc;
    this.mapper = mapper;
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
    return new Version(spec, new Dag(spec), mapper);
  }
}
