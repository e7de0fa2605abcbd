package io.stevedore.worker.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StageEnvironmentTest {

  private static final UUID RUN = UUID.fromString("0b6f4a8e-2c1d-4e55-9a43-5d7b1f0c9e21");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-04T10:00:00Z"), ZoneOffset.UTC);
  private static final StageEnvironment.Overrides NONE =
      new StageEnvironment.Overrides(null, null, null);

  private static StageContext read(Map<String, String> env, StageEnvironment.Overrides options) {
    return new StageEnvironment(env, new ObjectMapper(), CLOCK).read("extract", options);
  }

  private static Map<String, String> orchestratorEnv() {
    Map<String, String> env = new HashMap<>();
    env.put(
        "STEVEDORE_STAGE_SPEC",
        "{\"id\":\"extract-flights\",\"type\":\"extract\",\"resources\":{\"cpu\":256},"
            + "\"source\":{\"kind\":\"s3\",\"uri\":\"s3://raw/{{ params.region }}/"
            + "{{ logical_date_nodash }}.csv\",\"format\":\"csv\","
            + "\"columns\":{\"zip\":\"varchar\"}}}");
    env.put("STEVEDORE_PARAMS", "{\"region\":\"us\",\"limit\":5}");
    env.put("STEVEDORE_RUN_ID", RUN.toString());
    env.put("STEVEDORE_STAGE_ID", "extract-flights");
    env.put("STEVEDORE_STAGE_RUN_ID", "7d9c1a52-35f3-4f2a-9a8e-2a1b3c4d5e6f");
    env.put("STEVEDORE_ATTEMPT", "2");
    env.put("STEVEDORE_PIPELINE", "flights-daily");
    env.put("STEVEDORE_TEAM", "analytics");
    env.put("STEVEDORE_LOGICAL_DATE", "2024-01-31");
    env.put("STEVEDORE_INPUTS", "{\"a.data\":\"s3://stages/runs/r/a/\"}");
    env.put("STEVEDORE_TASK_EVENTS_QUEUE_URL", "http://127.0.0.1:9324/000000000000/task-events");
    env.put("STEVEDORE_HEARTBEAT_INTERVAL", "15");
    return env;
  }

  @Test
  void readsTheOrchestratorsEnvironmentAndRendersTemplates() {
    StageContext c = read(orchestratorEnv(), NONE);

    assertThat(c.runId()).isEqualTo(RUN);
    assertThat(c.stageId()).isEqualTo("extract-flights");
    assertThat(c.attempt()).isEqualTo(2);
    assertThat(c.logicalDate()).isEqualTo(LocalDate.of(2024, 1, 31));
    assertThat(c.params()).containsEntry("limit", "5");
    assertThat(c.inputs()).containsEntry("a.data", "s3://stages/runs/r/a/");
    assertThat(c.heartbeatIntervalSeconds()).isEqualTo(15);
    assertThat(c.spec().source().columns()).containsEntry("zip", "varchar");
    assertThat(c.render(c.spec().source().uri())).isEqualTo("s3://raw/us/20240131.csv");
    assertThat(c.render("{{ run_id }}/{{ pipeline }}/{{ team }}/{{ stage_id }}/{{ unknown }}"))
        .isEqualTo(RUN + "/flights-daily/analytics/extract-flights/{{ unknown }}");
  }

  @Test
  void optionsOverrideTheEnvironment() {
    UUID other = UUID.randomUUID();

    StageContext c =
        read(orchestratorEnv(), new StageEnvironment.Overrides(other, "extract-again", 3));

    assertThat(c.runId()).isEqualTo(other);
    assertThat(c.stageId()).isEqualTo("extract-again");
    assertThat(c.attempt()).isEqualTo(3);
  }

  @Test
  void manualRunWithOptionsOnlyUsesTodayAndDoesNotReport() {
    StageContext c = read(Map.of(), new StageEnvironment.Overrides(RUN, "manual", null));

    assertThat(c.attempt()).isEqualTo(1);
    assertThat(c.logicalDate()).isEqualTo(LocalDate.of(2026, 3, 4));
    assertThat(c.spec()).isNull();
    assertThat(c.taskEventsQueueUrl()).isNull();
  }

  @Test
  void rejectsASpecOfAnotherTypeAndMalformedValuesNamingThem() {
    Map<String, String> env = orchestratorEnv();
    env.put("STEVEDORE_STAGE_SPEC", "{\"id\":\"x\",\"type\":\"load\"}");
    assertThatThrownBy(() -> read(env, NONE))
        .isInstanceOf(InvalidStageException.class)
        .hasMessage(
            "STEVEDORE_STAGE_SPEC is a 'load' stage, but the worker was started with 'extract'");

    Map<String, String> badDate = orchestratorEnv();
    badDate.put("STEVEDORE_LOGICAL_DATE", "31.01.2024");
    assertThatThrownBy(() -> read(badDate, NONE))
        .hasMessage("STEVEDORE_LOGICAL_DATE '31.01.2024' is not a date (yyyy-MM-dd)");

    Map<String, String> badRun = orchestratorEnv();
    badRun.put("STEVEDORE_RUN_ID", "run-1");
    assertThatThrownBy(() -> read(badRun, NONE))
        .hasMessage("STEVEDORE_RUN_ID 'run-1' is not a UUID");

    Map<String, String> badParams = orchestratorEnv();
    badParams.put("STEVEDORE_PARAMS", "[1]");
    assertThatThrownBy(() -> read(badParams, NONE))
        .hasMessage("STEVEDORE_PARAMS must be a JSON object, was [1]");
  }
}
