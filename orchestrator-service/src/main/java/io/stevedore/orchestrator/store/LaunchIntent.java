package io.stevedore.orchestrator.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A launch intent ({@code orchestrator.launch_intents}), committed before the launcher is called.
 */
public record LaunchIntent(
    UUID stageRunId,
    String launcher,
    String clientToken,
    String startedBy,
    Instant requestedAt,
    String taskRef,
    Instant confirmedAt,
    Long pid,
    Instant processStartedAt,
    String logFile,
    String startedFile,
    String exitFile,
    Instant deadlineAt,
    Instant endedAt) {}
