package io.stevedore.worker.engine;

import io.stevedore.worker.config.WorkerConfig;
import io.stevedore.worker.storage.S3Location;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Where stage outputs live: {@code s3://<stevedore.worker.stages-bucket>/runs/<run>/<stage>/}, the
 * prefix the orchestrator and validation-service read when a stage reported none.
 */
@ApplicationScoped
public class StageLocations {

  private final WorkerConfig config;

  StageLocations(WorkerConfig config) {
    this.config = config;
  }

  /** The default output prefix of {@code stageId} in run {@code runId}. */
  public S3Location defaultOutput(UUID runId, String stageId) {
    return new S3Location(config.stagesBucket(), "runs/" + runId + "/" + stageId + "/");
  }
}
