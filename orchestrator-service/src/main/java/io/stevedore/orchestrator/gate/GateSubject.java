package io.stevedore.orchestrator.gate;

import java.util.UUID;

/** A stage attempt about to launch an image, as the security gate is asked about it. */
public record GateSubject(
    UUID stageRunId, UUID runId, UUID teamId, String team, String stageId, String image) {}
