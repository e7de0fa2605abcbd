package io.stevedore.common.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every contract survives a JSON round trip and names a distinct type at version 1. */
class ContractsTest {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static final Instant AT = Instant.parse("2026-11-26T02:00:00Z");
  static final UUID RUN = UUID.fromString("00000000-0000-0000-0000-000000000001");
  static final UUID TEAM = UUID.fromString("00000000-0000-0000-0000-000000000002");

  static Stream<MessageContract> contracts() {
    return Stream.of(
        new SubmissionMessage(
            "analytics", "flights", 3, Map.of("region", "eu"), "2026-11-26", "replies"),
        new SubmissionReply(
            "m-1", SubmissionReply.Outcome.REJECTED, null, List.of("pipeline 'x' not found")),
        new RunRequest(
            RunRequest.Action.RESUME,
            RUN,
            TEAM,
            UUID.randomUUID(),
            2,
            List.of("load"),
            AT,
            "fixed the bucket policy"),
        new TaskEvent(
            TaskEvent.Kind.STATE_CHANGE,
            UUID.randomUUID(),
            RUN,
            "extract",
            1,
            "local",
            "pid:42@2026-11-26T02:00:00Z",
            "STOPPED",
            137,
            "OutOfMemoryError",
            Map.of("rows", "10"),
            AT),
        new ValidationRequest(
            UUID.randomUUID(),
            RUN,
            "check",
            1,
            TEAM,
            "flights-contract",
            "s3://stages/run/extract/",
            "parquet",
            "quarantine",
            "s3://stages/run/check/"),
        new ValidationResult(
            UUID.randomUUID(),
            RUN,
            "check",
            1,
            ValidationResult.Verdict.WARN,
            97.5,
            List.of("complete(origin)"),
            "s3://reports/r.json",
            null,
            "s3://stages/run/check/corrected/",
            "s3://stages/run/check/quarantine/",
            12L),
        new RunEvent(
            RUN,
            TEAM,
            "flights",
            2,
            "extract",
            1,
            "FAILED",
            "RUNNING",
            "CAPACITY",
            "RESOURCE:MEMORY",
            1024,
            2048,
            "ecs",
            "FARGATE_SPOT",
            AT,
            AT.plusSeconds(60),
            AT),
        new RunEventBatch(
            List.of(
                new RunEvent(
                    RUN,
                    TEAM,
                    "flights",
                    2,
                    "extract",
                    1,
                    "RUNNING",
                    "LAUNCHING",
                    null,
                    null,
                    1024,
                    2048,
                    "ecs",
                    "FARGATE",
                    AT,
                    null,
                    AT),
                new RunEvent(
                    RUN,
                    TEAM,
                    "flights",
                    2,
                    null,
                    null,
                    "SUCCEEDED",
                    "RUNNING",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    AT,
                    AT.plusSeconds(60),
                    AT.plusSeconds(60)))),
        new ImageScanRequest("ecr.example/team/img:1", "sha256:abc", "orchestrator", "default", AT),
        new Alert(
            UUID.randomUUID(),
            "orchestrator",
            "STAGE_FAILED",
            "critical",
            TEAM,
            "analytics",
            RUN,
            "load",
            "stage load of flights failed after 3 attempts",
            "USER_ERROR: exit code 1",
            Map.of("class", "USER_ERROR"),
            List.of("line 1", "line 2"),
            AT));
  }

  @ParameterizedTest
  @MethodSource("contracts")
  void roundTripsThroughJson(MessageContract contract) throws Exception {
    String json = JSON.writeValueAsString(contract);
    assertThat(json).doesNotContain("contractType").doesNotContain("contractVersion");
    Object back = JSON.readValue(json, contract.getClass());
    assertThat(back).isEqualTo(contract);
    assertThat(contract.contractVersion()).isEqualTo(1);
  }

  static final StageResult RESULT =
      new StageResult(
          3_000_000L,
          2_431L,
          61_234_567L,
          48_213L,
          1_875L,
          List.of(
              new StageResult.Column("state", "VARCHAR"),
              new StageResult.Column("day", "DATE"),
              new StageResult.Column("avg_delay", "DOUBLE")));

  static TaskEvent result(StageResult result) {
    return new TaskEvent(
        TaskEvent.Kind.RESULT,
        UUID.fromString("00000000-0000-0000-0000-000000000003"),
        RUN,
        "transform",
        2,
        "ecs",
        null,
        null,
        null,
        null,
        Map.of("data", "s3://stages/runs/1/transform/"),
        result,
        AT);
  }

  @org.junit.jupiter.api.Test
  void taskEventRoundTripsWithAndWithoutAResult() throws Exception {
    for (TaskEvent event :
        List.of(
            result(RESULT),
            result(null),
            result(new StageResult(null, 10L, null, null, null, null)),
            result(new StageResult(0L, 0L, 0L, 0L, 0L, List.of())))) {
      String json = JSON.writeValueAsString(event);
      assertThat(JSON.readValue(json, TaskEvent.class)).isEqualTo(event);
    }
    // no result, no field: the body is what it was before the field existed
    assertThat(JSON.writeValueAsString(result(null))).doesNotContain("result");
    // the shorter constructor (no result) is the canonical one with a null result
    TaskEvent heartbeat =
        new TaskEvent(
            TaskEvent.Kind.HEARTBEAT,
            RUN,
            RUN,
            "extract",
            1,
            null,
            null,
            null,
            null,
            null,
            null,
            AT);
    assertThat(heartbeat.result()).isNull();
    assertThat(JSON.readValue(JSON.writeValueAsString(heartbeat), TaskEvent.class))
        .isEqualTo(heartbeat);
  }

  @org.junit.jupiter.api.Test
  void heartbeatMetricsReadTheBodyAStreamWorkerWrites() throws Exception {
    String body =
        "{\"kind\":\"HEARTBEAT\",\"stageRunId\":\"00000000-0000-0000-0000-000000000003\","
            + "\"runId\":\"00000000-0000-0000-0000-000000000001\",\"stageId\":\"orders\","
            + "\"attempt\":1,\"metrics\":{\"lagMillis\":1250.0,\"backlog\":42},"
            + "\"at\":\"2026-11-27T08:00:00Z\"}";
    TaskEvent event = JSON.readValue(body, TaskEvent.class);
    assertThat(event.metrics()).containsEntry("lagMillis", 1250.0).containsEntry("backlog", 42.0);
    assertThat(JSON.readValue(JSON.writeValueAsString(event), TaskEvent.class)).isEqualTo(event);
    // without metrics, no field
    assertThat(JSON.writeValueAsString(result(null))).doesNotContain("metrics");
  }

  @org.junit.jupiter.api.Test
  void taskEventResultReadsTheBodyAWorkerWrites() throws Exception {
    // The worker writes its RESULT body itself: these are the field names it sends.
    String body =
        "{\"kind\":\"RESULT\",\"stageRunId\":\"00000000-0000-0000-0000-000000000003\","
            + "\"runId\":\"00000000-0000-0000-0000-000000000001\",\"stageId\":\"transform\","
            + "\"attempt\":2,\"launcher\":\"ecs\","
            + "\"outputs\":{\"data\":\"s3://stages/runs/1/transform/\"},"
            + "\"result\":{\"rowsIn\":3000000,\"rowsOut\":2431,\"bytesIn\":61234567,"
            + "\"bytesOut\":48213,\"durationMs\":1875,\"schema\":["
            + "{\"name\":\"state\",\"type\":\"VARCHAR\"},"
            + "{\"name\":\"day\",\"type\":\"DATE\"},"
            + "{\"name\":\"avg_delay\",\"type\":\"DOUBLE\"}]},"
            + "\"at\":\"2026-11-26T02:00:00Z\"}";
    assertThat(JSON.readValue(body, TaskEvent.class)).isEqualTo(result(RESULT));
    // the problems of a result are a check, not a field of the JSON
    assertThat(JSON.writeValueAsString(RESULT)).doesNotContain("problems");
  }

  @org.junit.jupiter.api.Test
  void stageResultNamesWhatCannotBeStored() {
    assertThat(RESULT.problems()).isEmpty();
    assertThat(new StageResult(null, null, null, null, null, null).problems()).isEmpty();
    assertThat(
            new StageResult(
                    -1L,
                    5L,
                    null,
                    -7L,
                    null,
                    java.util.Arrays.asList(
                        new StageResult.Column("a", "INTEGER"),
                        new StageResult.Column(" ", "VARCHAR"),
                        null))
                .problems())
        .containsExactly(
            "result.rowsIn is negative: -1",
            "result.bytesOut is negative: -7",
            "result.schema[1] has no name",
            "result.schema[2] has no name");
  }

  @org.junit.jupiter.api.Test
  void typesAreDistinct() {
    Set<String> types = new HashSet<>();
    contracts().forEach(c -> assertThat(types.add(c.contractType())).isTrue());
    assertThat(types).hasSize(10);
  }
}
