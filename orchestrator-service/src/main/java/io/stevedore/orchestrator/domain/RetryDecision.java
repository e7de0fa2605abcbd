package io.stevedore.orchestrator.domain;

import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.common.spec.PipelineSpec.RetryPolicy;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Whether a failed attempt gets another one, and after which delay.
 *
 * @param retry whether a new attempt is made
 * @param delay the delay before it (zero when none)
 * @param why a readable explanation
 */
public record RetryDecision(boolean retry, Duration delay, String why) {

  /**
   * Applies {@code policy} to attempt {@code attempt} that failed with {@code failureClass}. The
   * delay is the policy's ({@link RetryPolicy#delayAfter}) with "equal jitter": between half and
   * all of it, so retries of many stages do not arrive together.
   *
   * @param random a source of numbers in [0, 1)
   */
  public static RetryDecision decide(
      RetryPolicy policy, FailureClass failureClass, int attempt, DoubleSupplier random) {
    if (!policy.retries(failureClass)) {
      return new RetryDecision(
          false, Duration.ZERO, failureClass + " is not retried by the stage's retry policy");
    }
    if (attempt >= policy.maxAttempts()) {
      return new RetryDecision(
          false,
          Duration.ZERO,
          "attempt " + attempt + " of " + policy.maxAttempts() + " was the last");
    }
    Duration base = policy.delayAfter(attempt);
    long half = base.toMillis() / 2;
    long millis = half + (long) (random.getAsDouble() * (base.toMillis() - half));
    Duration delay = Duration.ofMillis(millis);
    return new RetryDecision(
        true,
        delay,
        failureClass + " is retried: attempt " + (attempt + 1) + " of " + policy.maxAttempts());
  }
}
