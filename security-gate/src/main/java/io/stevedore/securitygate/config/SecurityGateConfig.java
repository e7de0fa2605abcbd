package io.stevedore.securitygate.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.stevedore.securitygate.advisory.Severity;
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

  /**
   * The largest image tar accepted by {@code POST /api/v1/scans}; larger images go through the
   * {@code image-scans} queue. Keep {@code stevedore.http.max-body-size} at least this large.
   */
  @WithDefault("256M")
  MemorySize maxScanSize();

  /** The largest advisory import body ({@code POST /api/v1/advisories/import}). */
  @WithDefault("256M")
  MemorySize maxImportSize();

  /** The largest policy document accepted. */
  @WithDefault("64K")
  MemorySize maxPolicySize();

  /**
   * The policy used for an {@code image-scans} message that names none (message attribute {@code
   * stevedore-policy}).
   */
  @WithDefault("default")
  String defaultPolicy();

  /**
   * Images seen within this window are evaluated again when an advisory import changes the advisory
   * data; a previously passing image that now fails raises an alert.
   */
  @WithDefault("7d")
  Duration rescanWindow();

  /** Whether an advisory import that changes the data starts a rescan. */
  @WithDefault("true")
  boolean rescanOnImport();

  /** What a failing verdict does to a launch. */
  enum Enforcement {
    /** Block the launch. */
    ENFORCE,
    /** Launch, and record a warning on the stage attempt. */
    WARN,
    /** Do not consult verdicts at launch. */
    OFF
  }
}
