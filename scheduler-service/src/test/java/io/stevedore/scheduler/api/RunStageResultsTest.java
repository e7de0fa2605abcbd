package io.stevedore.scheduler.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.StageResult;
import io.stevedore.scheduler.Teams;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A run's stage attempts show what their workers reported at the end ({@code jobs.stage_runs
 * .result}, written by the orchestrator from RESULT task events).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class RunStageResultsTest {

  @Inject DataSource dataSource;
  @Inject ObjectMapper mapper;

  static final StageResult EXTRACTED =
      new StageResult(
          3_000_000L,
          3_000_000L,
          61_234_567L,
          40_111_222L,
          4_210L,
          List.of(
              new StageResult.Column("origin", "VARCHAR"),
              new StageResult.Column("dep_delay", "INTEGER")));

  static final StageResult SHAPED =
      new StageResult(
          3_000_000L,
          2_431L,
          null,
          48_213L,
          1_875L,
          List.of(
              new StageResult.Column("state", "VARCHAR"),
              new StageResult.Column("avg_delay", "DOUBLE")));

  /** Writes an attempt of the run as the orchestrator does, with its stored result or none. */
  void attempt(UUID run, String stage, int attempt, String status, String resultJson, int second)
      throws Exception {
    Instant at = Instant.parse("2026-11-20T01:00:00Z").plusSeconds(second);
    try (var c = dataSource.getConnection();
        var s =
            c.prepareStatement(
                "insert into jobs.stage_runs (id, run_id, stage_id, attempt, status, launcher,"
                    + " created_at, started_at, ended_at, updated_at, result)"
                    + " values (?, ?, ?, ?, ?, 'LOCAL', ?, ?, ?, ?, ?::jsonb)")) {
      s.setObject(1, UUID.randomUUID());
      s.setObject(2, run);
      s.setString(3, stage);
      s.setInt(4, attempt);
      s.setString(5, status);
      for (int i = 6; i <= 9; i++) {
        s.setTimestamp(i, Timestamp.from(at));
      }
      s.setString(10, resultJson);
      s.executeUpdate();
    }
  }

  @Test
  void showsEachAttemptsResultWhenItHasOne() throws Exception {
    Teams.Team team = Teams.create("results");
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec(team.name(), "daily", null))
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201);
    String id =
        team.as()
            .contentType("application/json")
            .body(Map.of())
            .post("/api/v1/pipelines/daily/runs")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    UUID run = UUID.fromString(id);
    // extract succeeded with a result; shape failed once (no result), then succeeded with one that
    // also holds a field this scheduler does not know (a newer orchestrator's): it is left out.
    ObjectNode shaped = mapper.valueToTree(SHAPED);
    shaped.put("partitions", 12);
    attempt(run, "extract", 1, "SUCCEEDED", mapper.writeValueAsString(EXTRACTED), 0);
    attempt(run, "shape", 1, "FAILED", null, 10);
    attempt(run, "shape", 2, "SUCCEEDED", mapper.writeValueAsString(shaped), 20);

    team.as()
        .get("/api/v1/runs/" + id)
        .then()
        .statusCode(200)
        .body("stages", hasSize(3))
        .body("stages.stageId", contains("extract", "shape", "shape"))
        .body("stages[0].result.rowsIn", equalTo(3_000_000))
        .body("stages[0].result.rowsOut", equalTo(3_000_000))
        .body("stages[0].result.bytesIn", equalTo(61_234_567))
        .body("stages[0].result.bytesOut", equalTo(40_111_222))
        .body("stages[0].result.durationMs", equalTo(4_210))
        .body("stages[0].result.schema.name", contains("origin", "dep_delay"))
        .body("stages[0].result.schema.type", contains("VARCHAR", "INTEGER"))
        .body("stages[1]", not(hasKey("result")))
        .body("stages[1].status", equalTo("FAILED"))
        .body("stages[2].attempt", equalTo(2))
        .body("stages[2].result.rowsOut", equalTo(2_431))
        .body("stages[2].result", not(hasKey("bytesIn")))
        .body("stages[2].result", not(hasKey("partitions")))
        .body("stages[2].result.schema[1].name", equalTo("avg_delay"))
        .body("stages[2].result.schema[1].type", equalTo("DOUBLE"));
    // listings carry no stages
    team.as().get("/api/v1/runs?pipeline=daily").then().body("items[0].stages", nullValue());
  }

  @Test
  void describesTheResultInTheOpenApiDocument() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("components.schemas.StageDto.properties", hasKey("result"))
        .body(
            "components.schemas.StageResultDto.properties.keySet()",
            org.hamcrest.Matchers.containsInAnyOrder(
                "rowsIn", "rowsOut", "bytesIn", "bytesOut", "durationMs", "schema"))
        .body(
            "components.schemas.StageResultDto.properties.rowsOut.description",
            equalTo("rows written to its output or target"));
  }
}
