package io.stevedore.orchestrator.validation;

import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.ValidationRequest;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.spec.PipelineSpec.OnFail;
import io.stevedore.common.spec.PipelineSpec.Stage;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.orchestrator.store.RunRow;
import io.stevedore.orchestrator.store.StageRunRow;
import io.stevedore.orchestrator.store.StageRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Locale;

/**
 * Starts validate stages: no task is launched; a validation request goes to validation-service
 * through the outbox, in the claim's transaction, together with the attempt's RUNNING state and a
 * launch intent (launcher VALIDATION) that carries its deadline. The answer comes back on the
 * validation-results queue ({@code RunEngine.validated}).
 */
@ApplicationScoped
public class ValidationStages {

  /** The launcher name of validate stages in {@code launcher} columns. */
  public static final String LAUNCHER = "VALIDATION";

  private final StageRunStore stages;
  private final LaunchIntentStore intents;
  private final Outbox outbox;
  private final OrchestratorConfig.Validation config;

  ValidationStages(
      StageRunStore stages, LaunchIntentStore intents, Outbox outbox, OrchestratorConfig config) {
    this.stages = stages;
    this.intents = intents;
    this.outbox = outbox;
    this.config = config.validation();
  }

  /** Where a stage's output is unless it reported another: its prefix in the stages bucket. */
  public String defaultOutput(RunRow run, String stageId) {
    return "s3://" + config.stagesBucket() + "/runs/" + run.id() + "/" + stageId + "/";
  }

  /**
   * Sends the request for a claimed validate attempt (in the claim's transaction). Returns false if
   * the attempt moved on meanwhile.
   *
   * @param datasetUri the output of the stage it checks
   */
  public boolean start(
      RunRow run,
      StageRunRow attempt,
      Stage stage,
      String datasetUri,
      Instant deadline,
      Instant now) {
    String taskRef = "validation:" + attempt.id();
    intents.insert(
        new LaunchIntent(
            attempt.id(),
            LAUNCHER,
            "validation-" + attempt.id(),
            "stevedore-validation",
            now,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            deadline,
            null));
    if (!stages.markValidating(attempt.id(), taskRef, now)) {
      return false;
    }
    intents.confirm(attempt.id(), taskRef, null, now, now);
    OnFail onFail = stage.onFail() == null ? OnFail.STOP : stage.onFail();
    outbox.send(
        Queues.VALIDATION_REQUESTS,
        new ValidationRequest(
            attempt.id(),
            run.id(),
            stage.id(),
            attempt.attempt(),
            run.teamId(),
            stage.suite(),
            datasetUri,
            config.format(),
            onFail.name().toLowerCase(Locale.ROOT),
            onFail == OnFail.QUARANTINE ? defaultOutput(run, stage.id()) : null));
    return true;
  }
}
