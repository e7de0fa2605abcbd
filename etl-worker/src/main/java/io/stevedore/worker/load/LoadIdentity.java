package io.stevedore.worker.load;

import java.util.UUID;

/**
 * Which stage attempt is loading. A target records {@code (runId, stageId)}, so that a retried
 * attempt of the same stage of the same run does not load twice.
 *
 * @param runId the run
 * @param stageId the stage within the run's pipeline
 * @param stageRunId the stage run (one per stage per run, the same for every attempt)
 * @param attempt the attempt number, from 1
 */
public record LoadIdentity(UUID runId, String stageId, UUID stageRunId, int attempt) {

  public LoadIdentity {
    if (runId == null || stageId == null || stageId.isBlank()) {
      throw new LoadException("a load needs the run id and the stage id");
    }
  }

  /** {@code runId-stageId}, safe in file names and object keys. */
  String fileStem() {
    return runId + "-" + stageId.replaceAll("[^A-Za-z0-9_-]", "_");
  }
}
