package io.stevedore.orchestrator.launcher;

import java.time.Instant;

/**
 * A task the launcher started or found.
 *
 * @param taskRef what identifies it: {@code local:<pid>@<start epoch millis>} or an ECS task ARN
 * @param pid the local process id, or null
 * @param startedAt when the process started (with the pid, it identifies a process), or when ECS
 *     created the task; null when unknown
 * @param gone whether the task already ran and is gone (a start that found its earlier self ended)
 */
public record Started(String taskRef, Long pid, Instant startedAt, boolean gone) {

  /** A task that runs (or is being started). */
  public Started(String taskRef, Long pid, Instant startedAt) {
    this(taskRef, pid, startedAt, false);
  }
}
