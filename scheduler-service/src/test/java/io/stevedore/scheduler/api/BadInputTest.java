package io.stevedore.scheduler.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.stevedore.scheduler.Teams;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests: each gets its documented 4xx and a problem+json body naming what was wrong,
 * never a 500 and never a stack trace.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class BadInputTest {

  static Teams.Team team;

  @BeforeEach
  void pipeline() {
    if (team != null) {
      return;
    }
    team = Teams.create("bad-input");
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec(team.name(), "daily", null))
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201);
  }

  record Case(
      String name,
      Function<RequestSpecification, io.restassured.response.Response> call,
      int status,
      String detailContains) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case post(String name, String path, String type, Object body, int status, String d) {
    return new Case(
        name,
        r ->
            (body instanceof byte[] bytes
                    ? r.body(bytes)
                    : r.body(((String) body).replace("__TEAM__", team.name())))
                .contentType(type)
                .post(path),
        status,
        d);
  }

  static Case get(String name, String path, int status, String d) {
    return new Case(name, r -> r.get(path), status, d);
  }

  static final String RUNS = "/api/v1/pipelines/daily/runs";
  static final String PIPES = "/api/v1/pipelines";

  static String spec(String schedule) {
    return Teams.spec("__TEAM__", "p", schedule);
  }

  static Stream<Arguments> cases() {
    byte[] badUtf8 = "name: caf\u00e9\nteam: x\n".getBytes(StandardCharsets.ISO_8859_1);
    return Stream.of(
            post(
                "yaml syntax error",
                PIPES,
                "application/yaml",
                "name: [unclosed\n",
                422,
                "invalid YAML"),
            post("empty spec", PIPES, "application/yaml", "", 422, "empty"),
            post(
                "spec name of wrong type",
                PIPES,
                "application/json",
                "{\"name\": 42, \"team\": \"__TEAM__\", \"stages\": []}",
                422,
                "name"),
            post(
                "unknown field in spec",
                PIPES,
                "application/yaml",
                spec(null) + "colour: blue\n",
                422,
                "unknown field"),
            post(
                "cron with 7 fields",
                PIPES,
                "application/yaml",
                spec("{ cron: \"0 0 2 * * ? 2026\", timezone: UTC }"),
                422,
                "expected 5 fields"),
            post(
                "time zone that does not exist",
                PIPES,
                "application/yaml",
                spec("{ cron: \"0 2 * * *\", timezone: Mars/Olympus }"),
                422,
                "unknown time zone 'Mars/Olympus'"),
            post("invalid UTF-8 in a spec", PIPES, "application/yaml", badUtf8, 422, null),
            post("spec as text/plain", PIPES, "text/plain", spec(null), 415, "content type"),
            post(
                "body over the limit",
                PIPES,
                "application/yaml",
                spec(null) + "#" + "x".repeat(1_100_000) + "\n",
                413,
                "at most"),
            post(
                "malformed JSON run",
                RUNS,
                "application/json",
                "{\"version\": ",
                400,
                "not valid JSON"),
            post("run body is an array", RUNS, "application/json", "[1, 2]", 400, "must be"),
            post(
                "version is text",
                RUNS,
                "application/json",
                "{\"version\": \"latest\"}",
                400,
                "'version' must be an integer"),
            post(
                "unknown field in run",
                RUNS,
                "application/json",
                "{\"colour\": \"blue\"}",
                400,
                "unknown field 'colour'"),
            post(
                "parameters of wrong type",
                RUNS,
                "application/json",
                "{\"parameters\": [\"a\"]}",
                400,
                "'parameters' must be"),
            post(
                "undeclared parameter",
                RUNS,
                "application/json",
                "{\"parameters\": {\"regoin\": \"eu\"}}",
                422,
                "parameters.regoin"),
            post(
                "logical date not a date",
                RUNS,
                "application/json",
                "{\"logicalDate\": \"yesterday\"}",
                422,
                "logicalDate"),
            post("version zero", RUNS, "application/json", "{\"version\": 0}", 422, "at least 1"),
            post(
                "version that does not exist",
                RUNS,
                "application/json",
                "{\"version\": 99}",
                404,
                "pipeline 'daily' version 99 not found"),
            post(
                "unknown pipeline",
                "/api/v1/pipelines/nope/runs",
                "application/json",
                "{}",
                404,
                "pipeline 'nope' not found"),
            new Case(
                "idempotency key too long",
                r ->
                    r.header("Idempotency-Key", "k".repeat(500))
                        .contentType("application/json")
                        .body("{}")
                        .post(RUNS),
                400,
                "Idempotency-Key"),
            get("negative page size", "/api/v1/runs?limit=-1", 400, "limit must be"),
            get("page size not a number", "/api/v1/runs?limit=ten", 400, "limit must be"),
            get(
                "page size over the maximum",
                "/api/v1/pipelines?limit=100000",
                400,
                "limit must be"),
            get("unknown status filter", "/api/v1/runs?status=DONE", 400, "status 'DONE'"),
            get("from not an instant", "/api/v1/runs?from=monday", 400, "from 'monday'"),
            get("forged cursor", "/api/v1/runs?cursor=bm90LWEtY3Vyc29y", 400, "cursor"),
            get("run id not a UUID", "/api/v1/runs/not-a-uuid", 404, null),
            get(
                "version query not a number",
                "/api/v1/pipelines/daily?version=two",
                400,
                "version must be"),
            get(
                "preview count too large",
                "/api/v1/pipelines/daily/schedule?count=5000",
                400,
                "limit must be"),
            post(
                "backfill with to before from",
                "/api/v1/pipelines/daily/backfills",
                "application/json",
                "{\"from\": \"2026-02-01\", \"to\": \"2026-01-01\"}",
                422,
                "must not be before"),
            post(
                "backfill maxActive zero",
                "/api/v1/pipelines/daily/backfills",
                "application/json",
                "{\"from\": \"2026-01-01\", \"to\": \"2026-01-02\", \"maxActive\": 0}",
                422,
                "maxActive"),
            post(
                "backfill date not ISO",
                "/api/v1/pipelines/daily/backfills",
                "application/json",
                "{\"from\": \"01/02/2026\", \"to\": \"2026-01-02\"}",
                422,
                "ISO-8601 date"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void malformedRequestGetsItsProblem(Case c) {
    var response = c.call().apply(team.as()).then();
    response
        .statusCode(c.status())
        .contentType("application/problem+json")
        .body("status", equalTo(c.status()))
        .body(not(containsString("Exception")))
        .body(not(containsString("\tat ")));
    if (c.detailContains() != null) {
      response.body("detail", containsString(c.detailContains()));
    }
  }

  @org.junit.jupiter.api.Test
  void invalidSpecListsEveryProblemNotJustTheFirst() {
    String spec =
        "name: Bad_Name\nteam: "
            + team.name()
            + "\nschedule: { cron: \"61 2 * * *\", timezone: Europe/Berln }\n"
            + "stages:\n  - id: a\n    type: extract\n";
    team.as()
        .contentType("application/yaml")
        .body(spec)
        .post(PIPES)
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("name"))
        .body("errors.field", hasItem("schedule.cron"))
        .body("errors.field", hasItem("schedule.timezone"))
        .body("errors.field", hasItem("stages[0].source"));
  }
}
