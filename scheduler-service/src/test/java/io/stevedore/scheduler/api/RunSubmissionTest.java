package io.stevedore.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stevedore.scheduler.Teams;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class RunSubmissionTest {

  @Inject DataSource dataSource;
  @Inject SqsClient sqs;

  Teams.Team team;

  @BeforeEach
  void pipeline() {
    team = Teams.create("runs");
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec(team.name(), "daily", null))
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201);
  }

  Response submit(String key, Map<String, Object> body) {
    var request = team.as().contentType("application/json").body(body);
    if (key != null) {
      request = request.header("Idempotency-Key", key);
    }
    return request.post("/api/v1/pipelines/daily/runs");
  }

  @Test
  void submissionCreatesAQueuedRunWithResolvedParametersAndPublishesItsRunRequest() {
    String id =
        submit(null, Map.of("logicalDate", "2026-11-01", "parameters", Map.of("region", "eu")))
            .then()
            .statusCode(201)
            .body("status", equalTo("QUEUED"))
            .body("trigger", equalTo("HTTP"))
            .body("pipelineVersion", equalTo(1))
            .body("parameters.region", equalTo("eu"))
            .body("logicalDate", equalTo("2026-11-01T00:00:00Z"))
            .extract()
            .path("id");
    team.as().get("/api/v1/runs/" + id).then().statusCode(200).body("pipeline", equalTo("daily"));
    // defaults fill undeclared values
    submit(null, Map.of()).then().statusCode(201).body("parameters.region", equalTo("us"));
    // the run-request was written in the same transaction; the relay publishes it to SQS
    String url = sqs.getQueueUrl(r -> r.queueName("stevedore-run-requests")).queueUrl();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                sqs
                    .receiveMessage(
                        r ->
                            r.queueUrl(url)
                                .maxNumberOfMessages(10)
                                .waitTimeSeconds(1)
                                .visibilityTimeout(0))
                    .messages()
                    .stream()
                    .anyMatch(m -> m.body().contains(id) && m.body().contains("\"RUN\"")));
  }

  @Test
  void sameIdempotencyKeyAndBodyReturnsTheSameRun() {
    String key = "retry-" + UUID.randomUUID();
    Map<String, Object> body = Map.of("logicalDate", "2026-11-02");
    String first = submit(key, body).then().statusCode(201).extract().path("id");
    String second = submit(key, body).then().statusCode(200).extract().path("id");
    assertThat(second).isEqualTo(first);
    submit(key, Map.of("logicalDate", "2026-11-03"))
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body(
            "detail", org.hamcrest.Matchers.containsString("already used for a different request"));
  }

  @Test
  void concurrentSubmissionsWithOneKeyMakeOneRun() throws Exception {
    String key = "race-" + UUID.randomUUID();
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Response>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<Response> call =
            () -> {
              start.await();
              return submit(key, Map.of("logicalDate", "2026-11-04"));
            };
        results.add(pool.submit(call));
      }
      List<Integer> statuses = new ArrayList<>();
      Set<String> ids = new java.util.HashSet<>();
      for (Future<Response> f : results) {
        Response r = f.get();
        statuses.add(r.statusCode());
        ids.add(r.path("id"));
      }
      assertThat(ids).hasSize(1);
      assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
      assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(threads - 1);
    } finally {
      pool.shutdownNow();
    }
    team.as().get("/api/v1/runs?pipeline=daily").then().body("items", hasSize(1));
  }

  @Test
  void listsRunsNewestFirstWithFiltersAndCursor() {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(submit(null, Map.of("logicalDate", "2026-10-0" + i)).then().extract().path("id"));
    }
    String next =
        team.as()
            .get("/api/v1/runs?limit=3&status=queued&trigger=HTTP&pipeline=daily")
            .then()
            .statusCode(200)
            .body("items", hasSize(3))
            .extract()
            .path("next");
    List<String> firstPage =
        team.as().get("/api/v1/runs?limit=3").then().extract().path("items.id");
    List<String> secondPage =
        team.as().get("/api/v1/runs?limit=3&cursor=" + next).then().extract().path("items.id");
    List<String> all = new ArrayList<>(firstPage);
    all.addAll(secondPage);
    assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(all.stream().collect(Collectors.toSet())).hasSize(5);
    team.as().get("/api/v1/runs?status=SUCCEEDED").then().body("items", hasSize(0));
    team.as()
        .get("/api/v1/runs?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z")
        .then()
        .body("items", hasSize(0));
  }

  @Test
  void cancelAndRerunAreRecordedAndSentAndCheckTheRunState() throws Exception {
    String id = submit(null, Map.of()).then().statusCode(201).extract().path("id");
    team.as()
        .contentType("application/json")
        .body(Map.of("reason", "wrong date"))
        .post("/api/v1/runs/" + id + "/cancel")
        .then()
        .statusCode(202)
        .body("id", equalTo(id));
    // a queued run cannot be re-run; a failed one can, from named stages that exist
    team.as()
        .contentType("application/json")
        .body(Map.of())
        .post("/api/v1/runs/" + id + "/rerun")
        .then()
        .statusCode(409);
    try (var c = dataSource.getConnection();
        var s = c.prepareStatement("update jobs.runs set status = 'FAILED' where id = ?")) {
      s.setObject(1, UUID.fromString(id));
      s.executeUpdate();
    }
    team.as()
        .contentType("application/json")
        .body(Map.of("stages", List.of("shape", "nope")))
        .post("/api/v1/runs/" + id + "/rerun")
        .then()
        .statusCode(422)
        .body("errors.value", contains("nope"));
    team.as()
        .contentType("application/json")
        .body(Map.of("stages", List.of("shape")))
        .post("/api/v1/runs/" + id + "/rerun")
        .then()
        .statusCode(202);
    team.as()
        .contentType("application/json")
        .body(Map.of())
        .post("/api/v1/runs/" + id + "/cancel")
        .then()
        .statusCode(409)
        .body("detail", equalTo("run '" + id + "' is already FAILED; it cannot cancel"));
    try (var c = dataSource.getConnection();
        var s =
            c.prepareStatement(
                "select action from scheduler.run_actions where run_id = ? order by requested_at")) {
      s.setObject(1, UUID.fromString(id));
      var rs = s.executeQuery();
      List<String> actions = new ArrayList<>();
      while (rs.next()) {
        actions.add(rs.getString(1));
      }
      assertThat(actions).containsExactly("CANCEL", "RESUME");
    }
  }

  @Test
  void aNewVersionOrAnArchiveIsSeenByTheVeryNextSubmission() {
    // the first submission makes the service remember the pipeline at version 1
    submit(null, Map.of()).then().statusCode(201).body("pipelineVersion", equalTo(1));
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec(team.name(), "daily", null).replace("\"us\"", "\"eu\""))
        .put("/api/v1/pipelines/daily")
        .then()
        .statusCode(200)
        .body("version", equalTo(2));
    submit(null, Map.of())
        .then()
        .statusCode(201)
        .body("pipelineVersion", equalTo(2))
        .body("parameters.region", equalTo("eu"));
    submit(null, Map.of("version", 1))
        .then()
        .statusCode(201)
        .body("pipelineVersion", equalTo(1))
        .body("parameters.region", equalTo("us"));

    team.as().delete("/api/v1/pipelines/daily").then().statusCode(204);
    submit("after-archive", Map.of())
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", equalTo("pipeline 'daily' is archived; update it to use it again"));
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec(team.name(), "daily", null))
        .put("/api/v1/pipelines/daily")
        .then()
        .statusCode(200)
        .body("version", equalTo(3));
    submit("after-archive", Map.of()).then().statusCode(201).body("pipelineVersion", equalTo(3));
    team.as().get("/api/v1/runs?pipeline=daily").then().body("items", hasSize(4));
  }

  @Test
  void refusedAndRepeatedSubmissionsWriteNothing() throws Exception {
    String id = submit("together", Map.of()).then().statusCode(201).extract().path("id");
    submit("together", Map.of()).then().statusCode(200).body("id", equalTo(id));
    submit("together", Map.of("logicalDate", "2026-11-09")).then().statusCode(409);
    submit(null, Map.of("parameters", Map.of("nope", "x"))).then().statusCode(422);
    submit(null, Map.of("version", 7)).then().statusCode(404);
    try (var c = dataSource.getConnection();
        var ps =
            c.prepareStatement(
                "select count(*) from jobs.runs r where r.team_id ="
                    + " (select id from jobs.teams where name = ?)")) {
      ps.setString(1, team.name());
      try (var rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void exposesSubmissionAndRunMetrics() {
    submit(null, Map.of()).then().statusCode(201);
    submit(null, Map.of("version", 42)).then().statusCode(404);
    String metrics = io.restassured.RestAssured.get("/q/metrics").then().extract().asString();
    assertThat(metrics)
        .containsPattern(
            "stevedore_scheduler_submissions_total\\{[^}]*outcome=\"accepted\"[^}]*source=\"http\"")
        .containsPattern(
            "stevedore_scheduler_submissions_total\\{[^}]*outcome=\"rejected\"[^}]*source=\"http\"")
        .containsPattern(
            "stevedore_scheduler_runs_created_total\\{[^}]*pipeline=\"daily\"[^}]*trigger=\"http\"");
  }
}
