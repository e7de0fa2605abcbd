package io.stevedore.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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

  /** A stage attempt, with what its worker reported at the end once it has. */
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
      Instant endedAt,
      @Schema(
              description =
                  "What the attempt's worker reported at its end (its RESULT task event); absent"
                      + " until it arrives, and for attempts that report none (failed, skipped,"
                      + " validate stages)")
          StageResultDto result) {}

  /** A stage attempt's result: rows and bytes in and out, duration and output schema. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @Schema(
      description =
          "What a stage attempt did, as its worker reported it; each field is absent when the"
              + " worker did not report it")
  public record StageResultDto(
      @Schema(description = "rows read from the stage's inputs") Long rowsIn,
      @Schema(description = "rows written to its output or target") Long rowsOut,
      @Schema(description = "bytes read") Long bytesIn,
      @Schema(description = "bytes written") Long bytesOut,
      @Schema(description = "the stage's work, in milliseconds") Long durationMs,
      @Schema(description = "the output's columns, in order") List<ColumnDto> schema) {}

  /** An output column: its name and its type as the engine names it. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ColumnDto(
      String name,
      @Schema(description = "as the engine names it, e.g. VARCHAR, BIGINT") String type) {}

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
