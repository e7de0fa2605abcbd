package io.stevedore.orchestrator.store;

import io.stevedore.orchestrator.domain.RunStatus;
import java.time.Instant;
import java.util.UUID;

/** A run as the orchestrator reads it, with its pipeline's and team's names. */
public record RunRow(
    UUID id,
    UUID teamId,
    String teamName,
    UUID pipelineId,
    String pipelineName,
    int pipelineVersion,
    RunStatus status,
    Instant logicalDate,
    String parametersJson,
    String reason,
    Instant createdAt,
    Instant startedAt,
    Instant endedAt) {}
