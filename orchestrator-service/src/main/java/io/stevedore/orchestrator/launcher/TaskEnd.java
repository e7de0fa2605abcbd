package io.stevedore.orchestrator.launcher;

import io.stevedore.orchestrator.domain.StopInfo;
import java.util.UUID;

/** A task ended: the launcher says why, the orchestrator decides what follows. */
public record TaskEnd(UUID stageRunId, StopInfo stop) {}
