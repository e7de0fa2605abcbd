package io.stevedore.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.SqsQueues;
import io.stevedore.common.spec.PipelineSpec.Stage;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.store.StageOutputStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The part of a stage task's environment that connects it back to the orchestrator:
 *
 * <ul>
 *   <li>{@code STEVEDORE_INPUTS}: the outputs of the stages it depends on, as a JSON object {@code
 *       {"<stage>.<output>": "<uri>"}} (from each input's latest succeeded attempt, so a resumed
 *       run reuses the outputs of the stages that succeeded before);
 *   <li>{@code STEVEDORE_TASK_EVENTS_QUEUE_URL}: the SQS queue where the worker sends its {@code
 *       TaskEvent}s (HEARTBEAT every {@code STEVEDORE_HEARTBEAT_INTERVAL} seconds, RESULT with its
 *       outputs and, optionally, its {@code StageResult}: rows, bytes, duration, output schema);
 *   <li>{@code STEVEDORE_HEARTBEAT_INTERVAL}: seconds between heartbeats.
 * </ul>
 */
@ApplicationScoped
public class TaskEnvironment {

  private static final Logger LOG = Logger.getLogger(TaskEnvironment.class);

  private final StageOutputStore outputs;
  private final SqsQueues queues;
  private final OrchestratorConfig config;
  private final ObjectMapper mapper;

  TaskEnvironment(
      StageOutputStore outputs, SqsQueues queues, OrchestratorConfig config, ObjectMapper mapper) {
    this.outputs = outputs;
    this.queues = queues;
    this.config = config;
    this.mapper = mapper;
  }

  /** The stage outputs of several runs, read once for a claimed batch. */
  public record Outputs(Map<UUID, Map<String, Map<String, String>>> byRun) {

    /** The inputs of {@code stage} in {@code runId}, keyed {@code <stage>.<output>}. */
    Map<String, String> inputsOf(UUID runId, Stage stage) {
      Map<String, String> inputs = new TreeMap<>();
      Map<String, Map<String, String>> ofRun = byRun.getOrDefault(runId, Map.of());
      for (String input : stage.dependsOn()) {
        ofRun
            .getOrDefault(input, Map.of())
            .forEach((name, uri) -> inputs.put(input + "." + name, uri));
      }
      return inputs;
    }
  }

  /**
   * Reads the outputs of the named stages of the runs ({@code stageIds} by run) with one statement,
   * for {@link #of(UUID, Stage, Outputs)}.
   */
  public Outputs outputsOf(Map<UUID, ? extends Collection<String>> stageIds) {
    return new Outputs(outputs.latestOf(stageIds));
  }

  /** The variables for an attempt of {@code stage} in run {@code runId}. */
  public Map<String, String> of(UUID runId, Stage stage) {
    return of(runId, stage, null);
  }

  /**
   * The variables for an attempt of {@code stage} in run {@code runId}, its inputs taken from
   * {@code read} (read for a whole batch) when given.
   */
  public Map<String, String> of(UUID runId, Stage stage, Outputs read) {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> inputs =
        stage.dependsOn().isEmpty()
            ? Map.of()
            : read != null ? read.inputsOf(runId, stage) : outputs.inputs(runId, stage.dependsOn());
    try {
      env.put("STEVEDORE_INPUTS", mapper.writeValueAsString(new TreeMap<>(inputs)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write STEVEDORE_INPUTS: " + e.getMessage(), e);
    }
    try {
      env.put("STEVEDORE_TASK_EVENTS_QUEUE_URL", queues.url(Queues.TASK_EVENTS));
    } catch (RuntimeException e) {
      // The task still runs; it only cannot send heartbeats (and is then not watched for them).
      LOG.warnf("the task-events queue is not available to stage tasks: %s", e.getMessage());
    }
    env.put(
        "STEVEDORE_HEARTBEAT_INTERVAL",
        Long.toString(Math.max(1, config.heartbeatInterval().toSeconds())));
    return env;
  }
}
