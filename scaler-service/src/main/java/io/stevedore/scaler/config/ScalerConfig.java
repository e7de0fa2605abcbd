package io.stevedore.scaler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the scaler (prefix {@code stevedore.scaler}). */
@ConfigMapping(prefix = "stevedore.scaler")
public interface ScalerConfig {

  /**
   * How often every scalable target's policies are evaluated against fresh metrics (SQS backlog,
   * CloudWatch or local metrics). Shorter reacts faster and reads metrics more often.
   */
  @WithDefault("60s")
  Duration evaluationInterval();

  /**
   * The cooldown of a policy that gives none: after a scaling action, the target is not scaled in
   * the same direction again before this has passed.
   */
  @WithDefault("5m")
  Duration defaultCooldown();

  /** How long scaling decisions are kept in the decision history before they are pruned. */
  @WithDefault("P30D")
  Duration decisionRetention();
}
