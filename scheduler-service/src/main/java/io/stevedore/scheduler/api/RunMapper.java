package io.stevedore.scheduler.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.scheduler.store.RunStore.RunRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Maps stored runs to API records. */
@ApplicationScoped
public class RunMapper {

  private final ObjectMapper mapper;

  RunMapper(ObjectMapper mapper) {
    this.mapper = mapper;
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
}
