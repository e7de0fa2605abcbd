package io.stevedore.worker.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a stage attempt's context from the environment the orchestrator gives a task (locally and
 * in ECS through container overrides), with explicit command-line options taking precedence:
 *
 * <ul>
 *   <li>{@code STEVEDORE_STAGE_SPEC}: the stage as JSON (templates not rendered)
 *   <li>{@code STEVEDORE_PARAMS}: the run parameters as a JSON object
 *   <li>{@code STEVEDORE_RUN_ID}, {@code STEVEDORE_STAGE_ID}, {@code STEVEDORE_STAGE_RUN_ID},
 *       {@code STEVEDORE_ATTEMPT}, {@code STEVEDORE_PIPELINE}, {@code STEVEDORE_TEAM}, {@code
 *       STEVEDORE_LOGICAL_DATE} ({@code yyyy-MM-dd})
 *   <li>{@code STEVEDORE_INPUTS}: {@code {"<stage>.<output>": "<uri>"}}
 *   <li>{@code STEVEDORE_TASK_EVENTS_QUEUE_URL}, {@code STEVEDORE_HEARTBEAT_INTERVAL} (seconds)
 * </ul>
 *
 * Problems are {@link InvalidStageException}s (exit 2) that name the variable and its value.
 */
public final class StageEnvironment {

  /** Heartbeat interval when {@code STEVEDORE_HEARTBEAT_INTERVAL} is absent. */
  public static final long DEFAULT_HEARTBEAT_SECONDS = 30;

  private static final String STAGE_ID = "[a-z0-9][a-z0-9-]{0,62}";

  private final Map<String, String> env;
  private final ObjectMapper mapper;
  private final Clock clock;

  public StageEnvironment(Map<String, String> env, ObjectMapper mapper, Clock clock) {
    this.env = env;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** What the command line gave; each may be {@code null}. */
  public record Overrides(UUID runId, String stageId, Integer attempt) {}

  /**
   * The context of an attempt of a stage of {@code type} (extract, transform or load).
   *
   * @throws InvalidStageException when neither the options nor the environment say enough
   */
  public StageContext read(String type, Overrides options) {
    StageSpec spec = spec();
    if (spec != null && spec.type() != null && !type.equalsIgnoreCase(spec.type())) {
      throw new InvalidStageException(
          "STEVEDORE_STAGE_SPEC is a '"
              + spec.type()
              + "' stage, but the worker was started with '"
              + type
              + "'");
    }
    UUID runId = options.runId() != null ? options.runId() : uuid("STEVEDORE_RUN_ID");
    if (runId == null) {
      throw new InvalidStageException("no run id: pass --run-id or set STEVEDORE_RUN_ID");
    }
    String stageId = options.stageId() != null ? options.stageId() : get("STEVEDORE_STAGE_ID");
    if (stageId == null && spec != null) {
      stageId = spec.id();
    }
    if (stageId == null) {
      throw new InvalidStageException("no stage id: pass --stage-id or set STEVEDORE_STAGE_ID");
    }
    if (!stageId.matches(STAGE_ID)) {
      throw new InvalidStageException(
          "stage id '"
              + stageId
              + "' is not a stage id (lower-case letters, digits and '-', at most 63)");
    }
    int attempt = options.attempt() != null ? options.attempt() : integer("STEVEDORE_ATTEMPT", 1);
    if (attempt < 1) {
      throw new InvalidStageException("the attempt must be at least 1, was " + attempt);
    }
    String date = get("STEVEDORE_LOGICAL_DATE");
    LocalDate logicalDate;
    try {
      logicalDate =
          date == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw new InvalidStageException(
          "STEVEDORE_LOGICAL_DATE '" + date + "' is not a date (yyyy-MM-dd)");
    }
    long heartbeat = integer("STEVEDORE_HEARTBEAT_INTERVAL", (int) DEFAULT_HEARTBEAT_SECONDS);
    if (heartbeat < 1) {
      throw new InvalidStageException(
          "STEVEDORE_HEARTBEAT_INTERVAL must be at least 1 second, was " + heartbeat);
    }
    return new StageContext(
        runId,
        stageId,
        uuid("STEVEDORE_STAGE_RUN_ID"),
        attempt,
        get("STEVEDORE_PIPELINE"),
        get("STEVEDORE_TEAM"),
        logicalDate,
        textObject("STEVEDORE_PARAMS"),
        textObject("STEVEDORE_INPUTS"),
        spec,
        get("STEVEDORE_TASK_EVENTS_QUEUE_URL"),
        heartbeat);
  }

  private StageSpec spec() {
    String json = get("STEVEDORE_STAGE_SPEC");
    if (json == null) {
      return null;
    }
    try {
      return mapper.readValue(json, StageSpec.class);
    } catch (JsonProcessingException e) {
      throw new InvalidStageException(
          "STEVEDORE_STAGE_SPEC is not a stage as JSON: " + e.getOriginalMessage());
    }
  }

  private Map<String, String> textObject(String name) {
    String json = get(name);
    if (json == null) {
      return Map.of();
    }
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidStageException(name + " is not JSON: " + e.getOriginalMessage());
    }
    if (!node.isObject()) {
      throw new InvalidStageException(name + " must be a JSON object, was " + json);
    }
    Map<String, String> values = new LinkedHashMap<>();
    node.properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
    return values;
  }

  private String get(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private UUID uuid(String name) {
    String value = get(name);
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidStageException(name + " '" + value + "' is not a UUID");
    }
  }

  private int integer(String name, int otherwise) {
    String value = get(name);
    try {
      return value == null ? otherwise : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidStageException(name + " '" + value + "' is not a whole number");
    }
  }
}
