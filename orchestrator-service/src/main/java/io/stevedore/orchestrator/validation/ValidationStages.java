package io.stevedore.orchestrator.validation;

import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.ValidationRequest;
import io.stevedore.common.contract.ValidationResult;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.spec.PipelineSpec.OnFail;
import io.stevedore.common.spec.PipelineSpec.Stage;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.store.LaunchIntent;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.orchestrator.store.RunRow;
import io.stevedore.orchestrator.store.StageOutputStore;
import io.stevedore.orchestrator.store.StageRunRow;
import io.stevedore.orchestrator.store.StageRunStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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

  /** The name of the data output a validate stage hands on. */
  public static final String OUTPUT = "data";

  private final StageRunStore stages;
  private final LaunchIntentStore intents;
  private final Outbox outbox;
  private final StageOutputStore outputs;
  private final OrchestratorConfig.Validation config;

  ValidationStages(
      StageRunStore stages,
      LaunchIntentStore intents,
      Outbox outbox,
      StageOutputStore outputs,
      OrchestratorConfig config) {
    this.stages = stages;
    this.intents = intents;
    this.outbox = outbox;
    this.outputs = outputs;
    this.config = config.validation();
  }

  /** Where a stage's output is unless it reported another: its prefix in the stages bucket. */
  public String defaultOutput(RunRow run, String stageId) {
    return "s3://" + config.stagesBucket() + "/runs/" + run.id() + "/" + stageId + "/";
  }

  /**
   * The dataset a validate stage checks: the output its input stage reported (the only one, or the
   * one named {@code data}), else that stage's prefix in the stages bucket.
   */
  public String inputUri(RunRow run, String inputStage) {
    Map<String, String> reported = outputs.inputs(run.id(), List.of(inputStage));
    if (reported.size() == 1) {
      return reported.values().iterator().next();
    }
    String data = reported.get(inputStage + "." + OUTPUT);
    return data != null ? data : defaultOutput(run, inputStage);
  }

  /**
   * Records what a succeeded validate attempt hands on: the corrected data after a quarantine, else
   * the dataset it checked (so the stages after it read what was validated).
   */
  public void recordOutputs(
      RunRow run, StageRunRow attempt, Stage stage, ValidationResult result, Instant now) {
    Map<String, String> handed = new TreeMap<>();
    if (result.correctedUri() != null) {
      handed.put(OUTPUT, result.correctedUri());
      if (result.quarantineUri() != null) {
        handed.put("quarantine", result.quarantineUri());
      }
    } else {
      handed.put(OUTPUT, inputUri(run, stage.dependsOn().get(0)));
    }
    if (result.reportUri() != null) {
      handed.put("report", result.reportUri());
    }
    outputs.record(attempt.id(), handed, now);
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
