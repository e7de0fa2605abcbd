package io.stevedore.orchestrator.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.store.Jdbc;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.service.StageLogs;
import io.stevedore.orchestrator.store.LaunchIntentStore;
import io.stevedore.testing.MotoResource;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.RequiresMoto;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;

/** The log API and alerts read an ECS attempt's log from its CloudWatch stream (moto). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(MotoResource.class)
@RequiresMoto
class EcsStageLogTest {

  @Inject Fixtures fixtures;
  @Inject Jdbc jdbc;
  @Inject CloudWatchLogsClient logs;
  @Inject StageLogs stageLogs;
  @Inject LaunchIntentStore intents;

  @Test
  void readsAnEcsAttemptsLogFromCloudWatch() throws Exception {
    String name = "ecslog-" + UUID.randomUUID().toString().substring(0, 8);
    UUID team = fixtures.team(name);
    String key = fixtures.apiKey(team);
    UUID pipeline =
        fixtures.pipeline(
            team,
            "name: ecs\nteam: "
                + name
                + "\nstages:\n  - id: s\n    type: container\n    image: busybox\n"
                + "    command: [\"true\"]\n");
    UUID run = fixtures.runningRun(team, pipeline);
    UUID attempt = fixtures.launchingAttempt(run, "s");
    String taskId = UUID.randomUUID().toString().replace("-", "");
    String taskArn = "arn:aws:ecs:us-east-1:123456789012:task/stevedore/" + taskId;
    Instant now = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              jdbc.update(
                  "insert into orchestrator.launch_intents (stage_run_id, launcher, client_token,"
                      + " started_by, requested_at, task_ref, confirmed_at, ended_at)"
                      + " values (?, 'ECS', ?, 'test', ?, ?, ?, ?)",
                  attempt,
                  attempt.toString(),
                  now,
                  taskArn,
                  now,
                  now);
              jdbc.update(
                  "update jobs.stage_runs set status = 'SUCCEEDED', launcher = 'ECS',"
                      + " task_ref = ?, exit_code = 0, ended_at = ? where id = ?",
                  taskArn,
                  now,
                  attempt);
              jdbc.update(
                  "update jobs.runs set status = 'SUCCEEDED', ended_at = ? where id = ?", now, run);
            });
    try {
      logs.createLogGroup(r -> r.logGroupName("/stevedore/stages"));
    } catch (ResourceAlreadyExistsException e) {
      // created by an earlier test of this JVM
    }
    String stream = "stevedore/stage/" + taskId;
    logs.createLogStream(r -> r.logGroupName("/stevedore/stages").logStreamName(stream));
    long start = System.currentTimeMillis() - 60_000;
    logs.putLogEvents(
        r ->
            r.logGroupName("/stevedore/stages")
                .logStreamName(stream)
                .logEvents(
                    IntStream.rangeClosed(1, 60)
                        .mapToObj(
                            i ->
                                InputLogEvent.builder()
                                    .timestamp(start + i)
                                    .message("ecs line " + i)
                                    .build())
                        .toList()));

    given()
        .header("Authorization", "Bearer " + key)
        .queryParam("tail", 3)
        .get("/api/v1/runs/" + run + "/stages/s/attempts/1/log")
        .then()
        .statusCode(200)
        .body(equalTo("ecs line 58\necs line 59\necs line 60\n"));

    List<String> alertLines = stageLogs.lastLines(intents.find(attempt).orElseThrow(), 50);
    assertThat(alertLines).hasSize(50).startsWith("ecs line 11").endsWith("ecs line 60");

    String events =
        given()
            .header("Authorization", "Bearer " + key)
            .header("Accept", "text/event-stream")
            .queryParam("tail", 2)
            .get("/api/v1/runs/" + run + "/stages/s/attempts/1/log/follow")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(events)
        .contains("ecs line 59")
        .contains("ecs line 60")
        .doesNotContain("ecs line 58")
        .containsPattern("event: ?end")
        .contains("SUCCEEDED");
  }
}
