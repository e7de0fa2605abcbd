package io.stevedore.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The scheduler's API records, kept apart from the stored rows. */
public final class Dtos {

  private Dtos() {}

  /** A pipeline at one version. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PipelineDto(
      String name,
      String team,
      int version,
      int latestVersion,
      Instant createdAt,
      Instant updatedAt,
      Instant versionCreatedAt,
      Instant archivedAt,
      JsonNode spec) {}

  /** A pipeline in a list. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PipelineSummary(
      String name, int latestVersion, Instant updatedAt, Instant archivedAt) {}

  /** One page of a list; {@code next} is the cursor of the following page, or null. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Page<T>(List<T> items, String next) {}

  /** Changes between two versions. */
  @RegisterForReflection
  public record DiffDto(String pipeline, int from, int to, List<?> changes) {}

  /** A run submission over HTTP. */
  @RegisterForReflection
  public record SubmitRun(Integer version, Map<String, String> parameters, String logicalDate) {}

  /** A run, with its stage attempts when asked for one run. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RunDto(
      UUID id,
      String pipeline,
      int pipelineVersion,
      String status,
      String trigger,
      Instant logicalDate,
      JsonNode parameters,
      String reason,
      Instant createdAt,
      Instant startedAt,
      Instant endedAt,
      List<StageDto> stages) {}

  /** A stage attempt. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StageDto(
      String stageId,
      int attempt,
      String status,
      String failureClass,
      String reason,
      Integer exitCode,
      Instant startedAt,
      Instant endedAt) {}

  /** A cancel or re-run request. */
  @RegisterForReflection
  public record RunAction(String reason, List<String> stages) {}

  /** A schedule's state and its next fire times. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ScheduleDto(
      String pipeline,
      String cron,
      String timezone,
      String catchup,
      Integer maxCatchup,
      boolean paused,
      Instant nextFireAt,
      Instant lastFiredAt,
      List<Instant> preview) {}

  /** A backfill request. */
  @RegisterForReflection
  public record StartBackfill(
      String from, String to, Integer maxActive, Map<String, String> parameters) {}

  /** A backfill and its progress. */
  @RegisterForReflection
  public record BackfillDto(
      UUID id,
      String pipeline,
      int pipelineVersion,
      Instant from,
      Instant to,
      int maxActive,
      String status,
      int total,
      int started,
      int active,
      int succeeded,
      int failed) {}
}
