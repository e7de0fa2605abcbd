package io.stevedore.securitygate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the security gate (prefix {@code stevedore.security-gate}). */
@ConfigMapping(prefix = "stevedore.security-gate")
public interface SecurityGateConfig {

  /**
   * What a failing verdict does to a launch: {@code enforce} blocks it, {@code warn} lets it run
   * and records a warning on the stage, {@code off} skips the gate (verdicts are still computed).
   */
  @WithDefault("enforce")
  Enforcement enforcement();

  /** The lowest finding severity that makes an image's verdict fail. */
  @WithDefault("high")
  Severity failAt();

  /**
   * How long a verdict stays valid; an older one is recomputed before the next launch, since
   * advisories appear after an image was built.
   */
  @WithDefault("24h")
  Duration verdictTtl();

  /** What a failing verdict does to a launch. */
  enum Enforcement {
    /** Block the launch. */
    ENFORCE,
    /** Launch, and record a warning on the stage attempt. */
    WARN,
    /** Do not consult verdicts at launch. */
    OFF
  }

  /** Finding severities, lowest first. */
  enum Severity {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL
  }
}
