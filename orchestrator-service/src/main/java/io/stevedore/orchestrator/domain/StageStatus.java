package io.stevedore.orchestrator.domain;

import java.util.EnumSet;
import java.util.Set;

/** Status of one stage attempt ({@code jobs.stage_runs.status}). */
public enum StageStatus {
  PENDING,
  WAITING_FOR_CAPACITY,
  LAUNCHING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  TIMED_OUT,
  SKIPPED;

  /** Attempts still in flight: waiting, launching or running. */
  public static final Set<StageStatus> ACTIVE =
      EnumSet.of(PENDING, WAITING_FOR_CAPACITY, LAUNCHING, RUNNING);

  /** Attempts that ended without success (the stage is blocked unless retried or resumed). */
  public static final Set<StageStatus> UNSUCCESSFUL = EnumSet.of(FAILED, CANCELLED, TIMED_OUT);

  public boolean isActive() {
    return ACTIVE.contains(this);
  }
}
