package io.stevedore.worker.stage;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Everything one attempt of one stage knows about itself: who it is, its run's context (for
 * templates and reporting), its inputs and where to report.
 *
 * @param runId the run
 * @param stageId the stage's id in the pipeline
 * @param stageRunId the stage attempt's id, under which it reports; {@code null} in manual runs
 * @param attempt the attempt number, from 1
 * @param pipeline the pipeline's name; may be {@code null} in manual runs
 * @param team the team's name; may be {@code null} in manual runs
 * @param logicalDate the run's logical date
 * @param params the run parameters
 * @param inputs upstream outputs, {@code <stage>.<output>} to URI
 * @param spec the stage spec; {@code null} in manual runs without {@code STEVEDORE_STAGE_SPEC}
 * @param taskEventsQueueUrl where heartbeats and the result go; {@code null}: no reporting
 * @param heartbeatIntervalSeconds seconds between heartbeats
 */
public record StageContext(
    UUID runId,
    String stageId,
    UUID stageRunId,
    int attempt,
    String pipeline,
    String team,
    LocalDate logicalDate,
    Map<String, String> params,
    Map<String, String> inputs,
    StageSpec spec,
    String taskEventsQueueUrl,
    long heartbeatIntervalSeconds) {

  public StageContext {
    params = Map.copyOf(params);
    inputs = Map.copyOf(inputs);
  }

  /** The values of the template expressions, as the orchestrator renders them. */
  public Map<String, String> templateValues() {
    Map<String, String> values = new HashMap<>();
    values.put("logical_date", logicalDate.toString());
    values.put("logical_date_nodash", logicalDate.format(DateTimeFormatter.BASIC_ISO_DATE));
    values.put("run_id", runId.toString());
    values.put("stage_id", stageId);
    if (pipeline != null) {
      values.put("pipeline", pipeline);
    }
    if (team != null) {
      values.put("team", team);
    }
    params.forEach((name, value) -> values.put("params." + name, value));
    return values;
  }

  /** {@code text} with the run's template expressions replaced. */
  public String render(String text) {
    return Templates.render(text, templateValues());
  }
}
