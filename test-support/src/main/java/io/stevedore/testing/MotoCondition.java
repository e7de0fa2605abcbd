package io.stevedore.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** JUnit condition behind {@link RequiresMoto}. */
public class MotoCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String reason = Moto.unavailableReason();
    if (reason == null) {
      return ConditionEvaluationResult.enabled("moto's server is available");
    }
    if (Moto.required()) {
      throw new IllegalStateException(
          "moto's server is required (STEVEDORE_REQUIRE_MOTO=1) but not available: " + reason);
    }
    return ConditionEvaluationResult.disabled(
        "SKIPPED: moto's server is not available here (" + reason + ")");
  }
}
