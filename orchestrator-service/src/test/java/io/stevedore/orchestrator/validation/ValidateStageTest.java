package io.stevedore.orchestrator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.common.contract.ValidationResult;
import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.orchestrator.Fixtures;
import io.stevedore.orchestrator.Fixtures.Attempt;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Validate stages over the real queues: the orchestrator sends a validation request through its
 * outbox to ElasticMQ; this test answers on the validation-results queue as validation-service does
 * (its own tests cover the other side), and the run goes on as the stage's onFail says.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class ValidateStageTest {

  @Inject Fixtures fixtures;
  @Inject Outbox outbox;

  UUID team;
  String name;
  int pipelines;

  @BeforeEach
  void setUp() {
    name = "val-" + UUID.randomUUID().toString().substring(0, 8);
    team = fixtures.team(name);
  }

  UUID run(String onFail, String timeout) {
    String yaml =
        "name: checked-"
            + (++pipelines)
            + "\nteam: "
            + name
            + "\nstages:\n"
            + "  - id: make\n    type: container\n    image: busybox\n"
            + "    command: [\"sh\", \"-c\", \"exit 0\"]\n"
            + "  - id: check\n    type: validate\n    suite: flights\n    dependsOn: [make]\n"
            + (onFail == null ? "" : "    onFail: " + onFail + "\n")
            + (timeout == null ? "" : "    timeout: " + timeout + "\n")
            + "  - id: after\n    type: container\n    image: busybox\n    dependsOn: [check]\n"
            + "    command: [\"sh\", \"-c\", \"exit 0\"]\n";
    return fixtures.submit(team, fixtures.pipeline(team, yaml));
  }

  /** The validation request the orchestrator sent for this run (removed from the queue). */
  JsonNode request(UUID run) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (Fixtures.Received m :
                  fixtures.receive("stevedore-" + Queues.VALIDATION_REQUESTS, 1)) {
                if (m.body().path("runId").asText().equals(run.toString())) {
                  fixtures.delete(m);
                  found.set(m.body());
                  return true;
                }
              }
              return false;
            });
    return found.get();
  }

  void answer(JsonNode request, Verdict verdict, String error, String corrected) {
    ValidationResult result =
        new ValidationResult(
            UUID.fromString(request.get("stageRunId").asText()),
            UUID.fromString(request.get("runId").asText()),
            request.get("stageId").asText(),
            request.get("attempt").asInt(),
            verdict,
            verdict == Verdict.PASS ? 99.5 : 61.25,
            verdict == Verdict.PASS ? List.of() : List.of("origin_not_null", "delay_range"),
            "s3://stevedore-reports/r.json",
            error,
            corrected,
            corrected == null ? null : corrected.replace("corrected", "quarantine"),
            corrected == null ? null : 12L);
    QuarkusTransaction.requiringNew().run(() -> outbox.send(Queues.VALIDATION_RESULTS, result));
  }

  String awaitEnd(UUID run) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> List.of("SUCCEEDED", "FAILED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  Attempt check(UUID run) {
    return fixtures.attempts(run).stream()
        .filter(a -> a.stageId().equals("check"))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  @Test
  void passingValidationLetsTheRunGoOnAndTheRequestNamesTheInputsOutput() {
    UUID run = run(null, null);
    JsonNode request = request(run);
    assertThat(request.get("suite").asText()).isEqualTo("flights");
    assertThat(request.get("teamId").asText()).isEqualTo(team.toString());
    assertThat(request.get("datasetUri").asText())
        .isEqualTo("s3://stevedore-stages/runs/" + run + "/make/");
    assertThat(request.get("format").asText()).isEqualTo("parquet");
    assertThat(request.get("onFail").asText()).isEqualTo("stop");
    assertThat(request.has("outputUri")).isFalse();
    assertThat(fixtures.latest(run)).containsEntry("check", "RUNNING");
    answer(request, Verdict.PASS, null, null);
    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    assertThat(check(run).reason()).startsWith("validation PASS, quality score 99.5");
    assertThat(fixtures.latest(run)).containsEntry("after", "SUCCEEDED");
    // The stages after it read what was validated.
    assertThat(dataOutput(run)).isEqualTo("s3://stevedore-stages/runs/" + run + "/make/");
  }

  String dataOutput(UUID run) {
    return fixtures.count(
                "select count(*) from orchestrator.stage_outputs o join jobs.stage_runs s"
                    + " on s.id = o.stage_run_id where s.run_id = ? and s.stage_id = 'check'"
                    + " and o.name = 'data'",
                run)
            == 1
        ? fixtures.text(
            "select o.uri from orchestrator.stage_outputs o join jobs.stage_runs s"
                + " on s.id = o.stage_run_id where s.run_id = ? and s.stage_id = 'check'"
                + " and o.name = 'data'",
            run)
        : null;
  }

  @Test
  void failingValidationWithStopFailsTheStageAndSkipsWhatFollows() {
    UUID run = run("stop", null);
    answer(request(run), Verdict.FAIL, null, null);
    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    Attempt check = check(run);
    assertThat(check.status()).isEqualTo("FAILED");
    assertThat(check.failureClass()).isEqualTo("USER_ERROR");
    assertThat(check.reason())
        .contains("validation FAIL, quality score 61.3")
        .contains("failed checks: origin_not_null, delay_range")
        .contains("report s3://stevedore-reports/r.json");
    assertThat(check.attempt()).isEqualTo(1); // USER_ERROR is not retried by default
    assertThat(fixtures.latest(run)).containsEntry("after", "SKIPPED");
    assertThat(fixtures.runReason(run)).contains("check");
  }

  @Test
  void failingValidationWithWarnLetsTheRunGoOn() {
    UUID run = run("warn", null);
    answer(request(run), Verdict.FAIL, null, null);
    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    assertThat(check(run).reason()).contains("validation FAIL").contains("onFail: warn");
  }

  @Test
  void quarantineGoesOnWithTheCorrectedDataOrFailsWithoutIt() {
    UUID run = run("quarantine", null);
    JsonNode request = request(run);
    assertThat(request.get("outputUri").asText())
        .isEqualTo("s3://stevedore-stages/runs/" + run + "/check/");
    String corrected = "s3://stevedore-stages/runs/" + run + "/check/corrected/";
    answer(request, Verdict.FAIL, null, corrected);
    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    assertThat(check(run).reason())
        .contains("12 row(s) set aside in s3://stevedore-stages/runs/" + run + "/check/quarantine/")
        .contains("the next stages read " + corrected);
    assertThat(dataOutput(run)).isEqualTo(corrected);

    UUID second = run("quarantine", null);
    answer(request(second), Verdict.FAIL, null, null);
    assertThat(awaitEnd(second)).isEqualTo("FAILED");
    assertThat(check(second).reason()).contains("no corrected data came back");
  }

  @Test
  void aValidationThatCouldNotRunFailsTheStageWithItsError() {
    UUID run = run(null, null);
    answer(request(run), Verdict.FAIL, "s3://stevedore-stages/runs/x/make/: no such object", null);
    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    assertThat(check(run).reason())
        .isEqualTo("validation could not run: s3://stevedore-stages/runs/x/make/: no such object");
  }

  @Test
  void aLateOrRepeatedAnswerChangesNothing() {
    UUID run = run("stop", null);
    JsonNode request = request(run);
    answer(request, Verdict.PASS, null, null);
    assertThat(awaitEnd(run)).isEqualTo("SUCCEEDED");
    // Sent again (a new message id, so past the consumer's dedupe): the attempt has ended.
    answer(request, Verdict.FAIL, null, null);
    Awaitility.await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> fixtures.runStatus(run).equals("SUCCEEDED"));
    assertThat(check(run).status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void anAnswerForAnUnknownAttemptGoesToTheDeadLetterQueueWithTheReason() {
    UUID unknown = UUID.randomUUID();
    ValidationResult result =
        new ValidationResult(
            unknown,
            UUID.randomUUID(),
            "check",
            1,
            Verdict.PASS,
            100,
            List.of(),
            null,
            null,
            null,
            null,
            null);
    QuarkusTransaction.requiringNew().run(() -> outbox.send(Queues.VALIDATION_RESULTS, result));
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(
            () ->
                fixtures.count(
                        "select count(*) from jobs.message_failures where reason like ?",
                        "%validation result for unknown stage attempt " + unknown + "%")
                    > 0);
  }

  @Test
  void aCancelledRunClosesItsPendingValidation() {
    UUID run = run("stop", null);
    request(run);
    fixtures.request(RunRequest.Action.CANCEL, run, List.of(), "no longer needed");
    assertThat(awaitEndOrCancel(run)).isEqualTo("CANCELLED");
    assertThat(check(run).status()).isEqualTo("CANCELLED");
    // The request's launch intent is closed with it (no task to stop and wait for).
    assertThat(
            fixtures.count(
                "select count(*) from orchestrator.launch_intents i join jobs.stage_runs s"
                    + " on s.id = i.stage_run_id where s.run_id = ? and s.stage_id = 'check'"
                    + " and i.ended_at is not null",
                run))
        .isEqualTo(1);
  }

  String awaitEndOrCancel(UUID run) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(fixtures.runStatus(run)));
    return fixtures.runStatus(run);
  }

  @Test
  void anUnansweredValidationTimesOut() {
    UUID run = run("stop", "2s");
    request(run);
    assertThat(awaitEnd(run)).isEqualTo("FAILED");
    Attempt check = check(run);
    assertThat(check.status()).isEqualTo("TIMED_OUT");
    assertThat(check.failureClass()).isEqualTo("TIMEOUT");
  }
}
