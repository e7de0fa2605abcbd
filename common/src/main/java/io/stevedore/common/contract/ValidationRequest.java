package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.UUID;

/**
 * From the orchestrator to the validation-service: check a dataset against a suite.
 *
 * @param stageRunId the validate stage's attempt
 * @param runId the run
 * @param stageId the validate stage's id
 * @param attempt the attempt number
 * @param teamId the team owning the suite and the data
 * @param suite the suite (data contract) name
 * @param datasetUri where the dataset is, such as {@code s3://bucket/run/stage/}
 * @param format parquet, csv or json
 * @param onFail the stage's {@code onFail}: {@code stop}, {@code warn} or {@code quarantine}; with
 *     {@code quarantine} the service applies the suite's corrections and writes the corrected
 *     dataset and the quarantined rows under {@code outputUri} (null means {@code stop})
 * @param outputUri where corrected data and quarantined rows go ({@code s3://bucket/prefix/}), or
 *     null when no correction is asked for
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationRequest(
    UUID stageRunId,
    UUID runId,
    String stageId,
    int attempt,
    UUID teamId,
    String suite,
    String datasetUri,
    String format,
    String onFail,
    String outputUri)
    implements MessageContract {

  public static final String TYPE = "validation-request";
  public static final int VERSION = 1;

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}
