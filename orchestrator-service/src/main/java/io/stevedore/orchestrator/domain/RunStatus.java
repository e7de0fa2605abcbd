package io.stevedore.orchestrator.domain;

/** Status of a run ({@code jobs.runs.status}). */
public enum RunStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  TIMED_OUT;

  public boolean isTerminal() {
    return this != QUEUED && this != RUNNING;
  }
}
