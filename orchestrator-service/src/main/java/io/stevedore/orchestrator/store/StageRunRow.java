package io.stevedore.orchestrator.store;

import io.stevedore.orchestrator.domain.StageStatus;
import java.time.Instant;
import java.util.UUID;

/** One stage attempt ({@code jobs.stage_runs}). */
public record StageRunRow(
    UUID id,
    UUID runId,
    String stageId,
    int attempt,
    StageStatus status,
    String failureClass,
    String reason,
    String launcher,
    String taskRef,
    Integer exitCode,
    Instant notBefore,
    Instant createdAt,
    Instant startedAt,
    Instant endedAt) {}
