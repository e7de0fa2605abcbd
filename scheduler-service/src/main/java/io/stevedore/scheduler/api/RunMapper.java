package io.stevedore.scheduler.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.stevedore.common.contract.StageResult;
import io.stevedore.scheduler.store.RunStore.RunRow;
import io.stevedore.scheduler.store.RunStore.StageRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Maps stored runs and stage attempts to API records. */
@ApplicationScoped
public class RunMapper {

  private final ObjectMapper mapper;

  /**
   * Reads stored stage results. Tolerant, unlike request bodies: a field a newer orchestrator
   * stores is left out of the answer instead of failing the read of the whole run.
   */
  private final ObjectReader results;

  RunMapper(ObjectMapper mapper) {
    this.mapper = mapper;
    this.results =
        mapper
            .readerFor(StageResult.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public Dtos.RunDto toDto(RunRow r, List<Dtos.StageDto> stages) {
    try {
      return new Dtos.RunDto(
          r.id(),
          r.pipeline(),
          r.pipelineVersion(),
          r.status(),
          r.trigger(),
          r.logicalDate(),
          mapper.readTree(r.parametersJson()),
          r.reason(),
          r.createdAt(),
          r.startedAt(),
          r.endedAt(),
          stages);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public Dtos.StageDto toDto(StageRow s) {
    return new Dtos.StageDto(
        s.stageId(),
        s.attempt(),
        s.status(),
        s.failureClass(),
        s.reason(),
        s.exitCode(),
        s.startedAt(),
        s.endedAt(),
        s.resultJson() == null ? null : result(s));
  }

  private Dtos.StageResultDto result(StageRow s) {
    StageResult stored;
    try {
      stored = results.readValue(s.resultJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "the stored result of stage '"
              + s.stageId()
              + "' attempt "
              + s.attempt()
              + " is unreadable",
          e);
    }
    return new Dtos.StageResultDto(
        stored.rowsIn(),
        stored.rowsOut(),
        stored.bytesIn(),
        stored.bytesOut(),
        stored.durationMs(),
        stored.schema() == null
            ? null
            : stored.schema().stream().map(c -> new Dtos.ColumnDto(c.name(), c.type())).toList());
  }
}
