package io.stevedore.orchestrator.domain;

/**
 * Why a task stopped, in the terms ECS DescribeTasks uses (the local launcher fills what it knows).
 *
 * @param stopCode the task's {@code stopCode} ({@code EssentialContainerExited}, {@code
 *     TaskFailedToStart}, {@code SpotInterruption}, {@code UserInitiated}...), or null
 * @param stoppedReason the task's {@code stoppedReason}, or null; for a RunTask that returned no
 *     task, the {@code failures[].reason} ({@code RESOURCE:MEMORY}...)
 * @param exitCode the essential container's {@code exitCode}, or null when it never ran
 * @param containerReason the essential container's {@code reason}, or null
 * @param timedOut whether the orchestrator stopped it for exceeding the stage's timeout
 */
public record StopInfo(
    String stopCode,
    String stoppedReason,
    Integer exitCode,
    String containerReason,
    boolean timedOut) {

  /** A local process that ended with this exit code (null: unknown). */
  public static StopInfo exited(Integer exitCode) {
    return new StopInfo(
        "EssentialContainerExited", "Essential container in task exited", exitCode, null, false);
  }

  /** A readable one-line reason. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    if (timedOut) {
      text.append(stoppedReason == null ? "timed out" : stoppedReason);
    } else if (stoppedReason != null && !stoppedReason.isBlank()) {
      text.append(stoppedReason);
    } else if (stopCode != null) {
      text.append(stopCode);
    }
    if (containerReason != null && !containerReason.isBlank()) {
      text.append(text.isEmpty() ? "" : "; ").append(containerReason);
    }
    if (timedOut) {
      return text.toString();
    }
    if (exitCode != null) {
      text.append(text.isEmpty() ? "" : "; ").append("exit code ").append(exitCode);
    } else if ("EssentialContainerExited".equals(stopCode)) {
      text.append(text.isEmpty() ? "" : "; ").append("no exit code");
    }
    return text.toString();
  }
}
