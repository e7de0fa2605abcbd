package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.UUID;

/**
 * From the validation-service to the orchestrator: the verdict on a dataset.
 *
 * @param stageRunId the validate stage's attempt
 * @param runId the run
 * @param stageId the validate stage's id
 * @param attempt the attempt number
 * @param verdict pass, warn or fail
 * @param score the quality score, 0 to 100
 * @param failedChecks names of the failed checks
 * @param reportUri where the full report is
 * @param error set when the validation itself could not run (unreadable data, unknown suite)
 * @param correctedUri with {@code onFail: quarantine}: the corrected dataset the next stages read,
 *     or null
 * @param quarantineUri with {@code onFail: quarantine}: the removed rows with their reasons, or
 *     null
 * @param quarantinedRows how many rows were removed, or null
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationResult(
    UUID stageRunId,
    UUID runId,
    String stageId,
    int attempt,
    Verdict verdict,
    double score,
    List<String> failedChecks,
    String reportUri,
    String error,
    String correctedUri,
    String quarantineUri,
    Long quarantinedRows)
    implements MessageContract {

  public static final String TYPE = "validation-result";
  public static final int VERSION = 1;

  /** The outcome of a validation. */
  public enum Verdict {
    PASS,
    WARN,
    FAIL
  }

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}
