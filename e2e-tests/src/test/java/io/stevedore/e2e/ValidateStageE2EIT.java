package io.stevedore.e2e;

import static io.stevedore.e2e.PackagedServices.JSON;
import static io.stevedore.e2e.PackagedServices.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SharedData;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A validate stage end to end, with nothing played by the test: the packaged scheduler,
 * orchestrator and validation-service run as processes against embedded Postgres, ElasticMQ and
 * S3Proxy. A team registers a pipeline (a container stage, a validate stage, a container stage) on
 * the scheduler and a suite on validation-service, submits a run over HTTP, and the real
 * airports.csv is checked between the stages.
 */
class ValidateStageE2EIT {

  static final String ADMIN = "e2e-admin-key-0123456789abcdef";

  static Path base;
  static PackagedServices services;
  static int scheduler;
  static int orchestrator;
  static int validation;
  static S3Client s3;

  @BeforeAll
  static void startTheServices() throws Exception {
    base = Files.createDirectories(Path.of("target", "e2e", UUID.randomUUID().toString()));
    services = new PackagedServices(base, ADMIN);
    s3 =
        PackagedServices.s3WithBuckets(
            List.of("stevedore-stages", "stevedore-reports", "stevedore-quarantine"));
    scheduler = services.start("scheduler-service", List.of());
    orchestrator =
        services.start(
            "orchestrator-service",
            List.of(
                "-Dstevedore.orchestrator.dispatcher.poll-interval=200ms",
                "-Dstevedore.orchestrator.reconcile-interval=2s",
                "-Dstevedore.orchestrator.local.logs-dir="
                    + base.resolve("stages").toAbsolutePath(),
                "-Dstevedore.orchestrator.validation.format=csv",
                "-Dstevedore.orchestrator.security-gate.mode=off"));
    validation =
        services.start(
            "validation-service",
            List.of(
                "-Dquarkus.s3.endpoint-override=" + S3Resource.endpoint(),
                "-Dquarkus.s3.aws.credentials.static-provider.access-key-id="
                    + S3Resource.ACCESS_KEY,
                "-Dquarkus.s3.aws.credentials.static-provider.secret-access-key="
                    + S3Resource.SECRET_KEY));
    services.awaitReady(scheduler, orchestrator, validation);
  }

  @AfterAll
  static void stopTheServices() throws InterruptedException {
    if (services != null) {
      services.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** A new team and its API key, through the scheduler's admin API. */
  static String teamKey(String team) throws Exception {
    return services.teamKey(scheduler, team);
  }

  static String suite(String name, String corrections) {
    return "dataset: airports\nformat: csv\nallowExtraColumns: true\ncsv: {nullString: \"NA\"}\n"
        + "checks:\n"
        + "  - {type: completeness, column: state}\n"
        + "  - {type: range, column: latitude, min: -90, max: 90}\n"
        + (corrections == null ? "" : corrections);
  }

  static String pipeline(String team, String name, String suite, String onFail) {
    return "name: "
        + name
        + "\nteam: "
        + team
        + "\nstages:\n"
        + "  - id: make\n    type: container\n    image: stevedore/e2e\n"
        + "    command: [\"sh\", \"-c\", \"sleep 4\"]\n"
        + "  - id: check\n    type: validate\n    suite: "
        + suite
        + "\n    dependsOn: [make]\n    onFail: "
        + onFail
        + "\n"
        + "  - id: publish\n    type: container\n    image: stevedore/e2e\n"
        + "    dependsOn: [check]\n    command: [\"sh\", \"-c\", \"exit 0\"]\n";
  }

  /** Registers the suite and the pipeline, submits a run, uploads airports.csv as make's output. */
  static JsonNode runToTheEnd(String team, String key, String suiteYaml, String onFail)
      throws Exception {
    String suiteName = "airports-" + onFail;
    HttpResponse<String> suite =
        call(
            validation,
            "POST",
            "/api/v1/suites?name=" + suiteName,
            key,
            "application/yaml",
            suiteYaml);
    assertThat(suite.statusCode()).as(suite.body()).isEqualTo(201);
    String pipelineName = "airports-" + onFail;
    HttpResponse<String> pipeline =
        call(
            scheduler,
            "POST",
            "/api/v1/pipelines",
            key,
            "application/yaml",
            pipeline(team, pipelineName, suiteName, onFail));
    assertThat(pipeline.statusCode()).as(pipeline.body()).isEqualTo(201);
    HttpResponse<String> submitted =
        call(
            scheduler,
            "POST",
            "/api/v1/pipelines/" + pipelineName + "/runs",
            key,
            "application/json",
            "{}");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String runId = JSON.readTree(submitted.body()).get("id").asText();
    // What the make stage would have written: its output prefix in the stages bucket.
    s3.putObject(
        b -> b.bucket("stevedore-stages").key("runs/" + runId + "/make/airports.csv"),
        RequestBody.fromFile(SharedData.file("airports.csv")));
    return PackagedServices.awaitRunEnd(scheduler, key, runId, base);
  }

  static JsonNode stage(JsonNode run, String id) {
    JsonNode last = null;
    for (JsonNode stage : run.get("stages")) {
      if (stage.get("stageId").asText().equals(id)) {
        last = stage;
      }
    }
    return last;
  }

  @Test
  void aFailingCheckStopsTheRunBeforeTheNextStage() throws Exception {
    String team = "e2e-stop-" + UUID.randomUUID().toString().substring(0, 6);
    JsonNode run = runToTheEnd(team, teamKey(team), suite("airports", null), "stop");
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
    JsonNode check = stage(run, "check");
    assertThat(check.get("status").asText()).isEqualTo("FAILED");
    assertThat(check.get("failureClass").asText()).isEqualTo("USER_ERROR");
    assertThat(check.get("reason").asText())
        .startsWith("validation FAIL, quality score")
        .contains("failed checks: completeness(state)")
        .contains("report s3://stevedore-reports/");
    assertThat(stage(run, "make").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(stage(run, "publish").get("status").asText()).isEqualTo("SKIPPED");
  }

  @Test
  void quarantineSetsTheBadRowsAsideAndTheRunGoesOn() throws Exception {
    String team = "e2e-quar-" + UUID.randomUUID().toString().substring(0, 6);
    String corrections =
        "corrections:\n  - {type: dropInvalid, checks: [\"completeness(state)\"]}\n";
    JsonNode run = runToTheEnd(team, teamKey(team), suite("airports", corrections), "quarantine");
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    String reason = stage(run, "check").get("reason").asText();
    assertThat(reason).contains("validation FAIL").contains("onFail: quarantine: ");
    assertThat(stage(run, "publish").get("status").asText()).isEqualTo("SUCCEEDED");
    String runId = run.get("id").asText();
    List<S3Object> corrected =
        s3.listObjectsV2(b -> b.bucket("stevedore-stages").prefix("runs/" + runId + "/check/"))
            .contents();
    assertThat(corrected).as("corrected data under the validate stage's prefix").isNotEmpty();
    assertThat(reason)
        .contains("the next stages read s3://stevedore-stages/runs/" + runId + "/check/");
  }
}
