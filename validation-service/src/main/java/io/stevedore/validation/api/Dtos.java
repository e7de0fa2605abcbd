package io.stevedore.validation.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.validation.domain.Correction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request and response bodies of the validation API. */
public final class Dtos {

  private Dtos() {}

  /** A suite at one version: its text as sent, and the same as JSON. */
  @RegisterForReflection
  public record SuiteDto(
      String name,
      String dataset,
      String format,
      int version,
      int latestVersion,
      Instant createdAt,
      Instant updatedAt,
      Instant versionCreatedAt,
      String source) {}

  /** A suite in a list. */
  @RegisterForReflection
  public record SuiteSummary(String name, int latestVersion, Instant updatedAt) {}

  @RegisterForReflection
  public record SuiteList(List<SuiteSummary> items) {}

  /**
   * An ad-hoc validation.
   *
   * @param suite the suite's name
   * @param version the suite's version; the latest when absent
   * @param datasetUri {@code s3://bucket/key} for one object, {@code s3://bucket/prefix/} for all
   *     the objects under a prefix
   * @param format parquet, csv or json; the suite's format when absent
   * @param references URIs of datasets that referential checks name; absent ones are read where
   *     their newest validation read them
   * @param correct apply the suite's corrections: the corrected dataset goes to {@code outputUri}
   *     (default: under the stages bucket), the removed rows to the quarantine bucket
   * @param outputUri {@code s3://bucket/key} or {@code s3://bucket/prefix/} for the corrected
   *     dataset; implies {@code correct}
   */
  @RegisterForReflection
  public record ValidationRequestDto(
      String suite,
      Integer version,
      String datasetUri,
      String format,
      Map<String, String> references,
      Boolean correct,
      String outputUri) {}

  /**
   * A validation result.
   *
   * @param checks per check: name, type, severity, passed, failedRows, passRatio, observed, error,
   *     and, right after the run, samples of failing rows
   * @param error set when the validation could not run
   * @param correction what the correction changed and where its files are, when one was made
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ValidationDto(
      UUID id,
      String suite,
      int suiteVersion,
      String dataset,
      String datasetUri,
      Verdict verdict,
      double score,
      Long rowCount,
      JsonNode checks,
      Integer scansOfData,
      Integer scansForSamples,
      String reportUri,
      String error,
      UUID runId,
      String stageId,
      Integer attempt,
      Instant createdAt,
      Correction correction) {}

  @RegisterForReflection
  public record ValidationList(List<ValidationDto> items) {}
}
