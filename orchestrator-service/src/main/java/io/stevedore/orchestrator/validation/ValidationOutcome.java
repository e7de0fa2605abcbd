package io.stevedore.orchestrator.validation;

import io.stevedore.common.contract.ValidationResult;
import io.stevedore.common.spec.PipelineSpec.OnFail;
import io.stevedore.orchestrator.domain.StopInfo;
import java.util.List;
import java.util.Locale;

/**
 * What a validation result means for the validate stage, given its {@code onFail}: a stop in the
 * terms the rest of the engine understands. Exit code 0 is success (the reason is kept as the
 * stage's note); the {@code Stevedore*} stop codes without an exit code are failures of class
 * USER_ERROR (not retried unless the stage's retry policy says so).
 *
 * <ul>
 *   <li>PASS, WARN: the stage succeeds; the note gives the score and the failed checks.
 *   <li>FAIL with {@code stop}: the stage fails; the run stops (downstream is skipped).
 *   <li>FAIL with {@code warn}: the stage succeeds with the failure in its note; the run goes on.
 *   <li>FAIL with {@code quarantine}: the stage succeeds when corrected data came back (the next
 *       stages read it); without corrected data it fails.
 *   <li>An error (the data could not be read, the suite is unknown): the stage fails.
 * </ul>
 */
public final class ValidationOutcome {

  public static final String PASSED = "StevedoreValidationPassed";
  public static final String FAILED = "StevedoreValidationFailed";
  public static final String ERROR = "StevedoreValidationError";

  private ValidationOutcome() {}

  public static StopInfo of(OnFail onFail, ValidationResult result) {
    if (result.error() != null && !result.error().isBlank()) {
      return new StopInfo(ERROR, "validation could not run: " + result.error(), null, null, false);
    }
    if (result.verdict() == null) {
      return new StopInfo(ERROR, "validation result without a verdict", null, null, false);
    }
    String summary = summary(result);
    return switch (result.verdict()) {
      case PASS, WARN -> new StopInfo(PASSED, summary, 0, null, false);
      case FAIL ->
          switch (onFail == null ? OnFail.STOP : onFail) {
            case STOP -> new StopInfo(FAILED, summary, null, null, false);
            case WARN ->
                new StopInfo(PASSED, summary + "; onFail: warn, the run goes on", 0, null, false);
            case QUARANTINE ->
                result.correctedUri() == null
                    ? new StopInfo(
                        FAILED,
                        summary
                            + "; onFail: quarantine, but no corrected data came back (does the"
                            + " suite have correction rules?)",
                        null,
                        null,
                        false)
                    : new StopInfo(
                        PASSED,
                        summary
                            + "; onFail: quarantine: "
                            + (result.quarantinedRows() == null
                                ? "rows"
                                : result.quarantinedRows() + " row(s)")
                            + " set aside in "
                            + result.quarantineUri()
                            + ", the next stages read "
                            + result.correctedUri(),
                        0,
                        null,
                        false);
          };
    };
  }

  private static String summary(ValidationResult result) {
    StringBuilder text =
        new StringBuilder("validation ")
            .append(result.verdict().name())
            .append(", quality score ")
            .append(String.format(Locale.ROOT, "%.1f", result.score()));
    List<String> failed = result.failedChecks() == null ? List.of() : result.failedChecks();
    if (!failed.isEmpty()) {
      text.append("; failed checks: ").append(String.join(", ", failed));
    }
    if (result.reportUri() != null) {
      text.append("; report ").append(result.reportUri());
    }
    return text.toString();
  }
}
