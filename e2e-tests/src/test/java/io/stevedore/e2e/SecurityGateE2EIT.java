package io.stevedore.e2e;

import static io.stevedore.e2e.PackagedServices.JSON;
import static io.stevedore.e2e.PackagedServices.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.securitygate.Fixtures;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.registry.TestRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's security-gate hook against the real security-gate (issue 7), nothing played by
 * the test: the packaged scheduler, orchestrator (hook in {@code enforce} mode, local launcher) and
 * security-gate run as processes on embedded Postgres and ElasticMQ; images are pulled by the gate
 * from a registry served in this JVM from OCI layouts (security-gate's {@code TestRegistry}, token
 * auth), judged against an OSV advisory imported over the gate's API and the team's policy. A
 * failing image is refused before anything starts and the run shows why, with the gate's findings;
 * a clean image runs.
 */
class SecurityGateE2EIT {

  static final String ADMIN = "e2e-admin-key-0123456789abcdef";

  /** The orchestrator's service key for the gate; the gate holds only its SHA-256. */
  static final String ORCHESTRATOR_KEY = "e2e-orchestrator-gate-key-0123456789";

  /** An AWS access key id (AWS's documented example) in the bad image's environment. */
  static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";

  /** libssl3 of the Debian fixture is 3.0.11-1~deb12u2; this advisory is fixed after it. */
  static final String FIXED = "3.0.13-1~deb12u1";

  static Path base;
  static PackagedServices services;
  static TestRegistry registry;
  static int scheduler;
  static int orchestrator;
  static int gate;
  static String team;
  static String key;
  static int pipelines;

  @BeforeAll
  static void startTheServices() throws Exception {
    base = Files.createDirectories(Path.of("target", "e2e", UUID.randomUUID().toString()));
    services = new PackagedServices(base, ADMIN);
    registry = new TestRegistry();
    scheduler = services.start("scheduler-service", List.of());
    gate = PackagedServices.freePort();
    orchestrator =
        services.start(
            "orchestrator-service",
            List.of(
                "-Dstevedore.orchestrator.dispatcher.poll-interval=200ms",
                "-Dstevedore.orchestrator.reconcile-interval=2s",
                "-Dstevedore.orchestrator.local.logs-dir=" + stages(),
                "-Dstevedore.orchestrator.security-gate.mode=enforce",
                "-Dstevedore.orchestrator.security-gate.url=http://127.0.0.1:" + gate,
                "-Dstevedore.orchestrator.security-gate.timeout=60s",
                // a gate that cannot answer must not let an image through in this test
                "-Dstevedore.orchestrator.security-gate.refuse-unknown=true"),
            // the key reaches the orchestrator through its environment, as in production
            List.of("STEVEDORE_ORCHESTRATOR_SECURITY_GATE_API_KEY=" + ORCHESTRATOR_KEY));
    services.start(
        "security-gate",
        gate,
        List.of(
            "-Dstevedore.auth.service-keys.orchestrator=" + sha256(ORCHESTRATOR_KEY),
            "-Dstevedore.security-gate.registry.work-directory="
                + Files.createDirectories(base.resolve("pulls")).toAbsolutePath()),
        List.of());
    services.awaitReady(scheduler, orchestrator, gate);

    team = "e2e-gate-" + UUID.randomUUID().toString().substring(0, 6);
    key = services.teamKey(scheduler, team);
    HttpResponse<String> imported =
        call(
            gate,
            "POST",
            "/api/v1/advisories/import?source=e2e",
            key,
            "application/json",
            Fixtures.debianAdvisory("DSA-E2E-1", "openssl", FIXED));
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    // the team's default policy: fail at high; forbidRoot and secrets are on by default
    HttpResponse<String> policy =
        call(gate, "PUT", "/api/v1/policies/default", key, "application/yaml", Fixtures.POLICY);
    assertThat(policy.statusCode()).as(policy.body()).isEqualTo(201);
  }

  @AfterAll
  static void stopTheServices() throws InterruptedException {
    if (services != null) {
      services.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  static Path stages() {
    return base.resolve("stages").toAbsolutePath();
  }

  static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Pushes the image as {@code e2e/<name>:1.0}; returns its reference and digest. */
  static String[] push(String name, TestImage image) {
    String digest = registry.push("e2e/" + name, "1.0", image);
    return new String[] {registry.registry() + "/e2e/" + name + ":1.0", digest};
  }

  /** A one-stage pipeline running {@code image}, submitted; returns the run when it has ended. */
  static JsonNode runImage(String image) throws Exception {
    String name = "gated-" + (++pipelines);
    String yaml =
        "name: "
            + name
            + "\nteam: "
            + team
            + "\nstages:\n  - id: app\n    type: container\n    image: "
            + image
            + "\n    command: [\"sh\", \"-c\", \"echo the stage ran\"]\n";
    HttpResponse<String> pipeline =
        call(scheduler, "POST", "/api/v1/pipelines", key, "application/yaml", yaml);
    assertThat(pipeline.statusCode()).as(pipeline.body()).isEqualTo(201);
    HttpResponse<String> submitted =
        call(
            scheduler,
            "POST",
            "/api/v1/pipelines/" + name + "/runs",
            key,
            "application/json",
            "{}");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String runId = JSON.readTree(submitted.body()).get("id").asText();
    return PackagedServices.awaitRunEnd(scheduler, key, runId, base);
  }

  static JsonNode decisions(JsonNode run) throws Exception {
    HttpResponse<String> got =
        call(
            orchestrator,
            "GET",
            "/api/v1/runs/" + run.get("id").asText() + "/gate-decisions",
            key,
            null,
            null);
    assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
    return JSON.readTree(got.body());
  }

  static JsonNode app(JsonNode run) {
    JsonNode stages = run.get("stages");
    assertThat(stages).as(run.toString()).hasSize(1);
    return stages.get(0);
  }

  static List<String> rules(JsonNode findings) {
    List<String> rules = new ArrayList<>();
    findings.forEach(f -> rules.add(f.path("rule").asText()));
    return rules;
  }

  static JsonNode finding(JsonNode findings, String rule) {
    for (JsonNode f : findings) {
      if (rule.equals(f.path("rule").asText())) {
        return f;
      }
    }
    throw new AssertionError("no " + rule + " finding in " + findings);
  }

  /** The local launcher writes {@code <logs-dir>/<run>/<stage>/<attempt>.started} and a log. */
  static Path attemptFiles(JsonNode run) {
    return stages().resolve(run.get("id").asText()).resolve("app");
  }

  @Test
  void refusesAnImageThatRunsAsRootWithAnAwsKeyAndShowsTheFindings() throws Exception {
    String[] image =
        push(
            "root-with-key",
            Fixtures.debian(null).user("root").env("AWS_ACCESS_KEY_ID=" + AWS_KEY));

    JsonNode run = runImage(image[0]);

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
    assertThat(run.get("reason").asText())
        .startsWith("stage 'app' failed after attempt 1 (USER_ERROR): image " + image[0])
        .contains("refused by security-gate: FAIL: 2 findings");
    JsonNode app = app(run);
    assertThat(app.get("status").asText()).isEqualTo("FAILED");
    assertThat(app.get("failureClass").asText()).isEqualTo("USER_ERROR");
    assertThat(app.get("reason").asText())
        .as("the stage says which image, which digest, who refused it and why")
        .startsWith("image " + image[0] + " (" + image[1] + ") refused by security-gate: FAIL")
        .contains("RUN_AS_ROOT in config.User: the image runs as root")
        .contains("SECRET_IN_ENV in env AWS_ACCESS_KEY_ID")
        .doesNotContain("null")
        .doesNotContain(AWS_KEY);
    assertThat(app.get("attempt").asInt()).as("a refusal is not retried").isEqualTo(1);
    assertThat(attemptFiles(run)).as("nothing was launched").doesNotExist();

    JsonNode decisions = decisions(run);
    assertThat(decisions).hasSize(1);
    JsonNode decision = decisions.get(0);
    assertThat(decision.get("stageId").asText()).isEqualTo("app");
    assertThat(decision.get("image").asText()).isEqualTo(image[0]);
    assertThat(decision.get("digest").asText()).isEqualTo(image[1]);
    assertThat(decision.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(decision.get("mode").asText()).isEqualTo("ENFORCE");
    assertThat(decision.get("allowed").asBoolean()).isFalse();
    JsonNode findings = decision.get("findings");
    assertThat(rules(findings)).contains("RUN_AS_ROOT", "SECRET_IN_ENV");
    JsonNode root = finding(findings, "RUN_AS_ROOT");
    assertThat(root.get("outcome").asText()).isEqualTo("FAIL");
    assertThat(root.get("subject").asText()).isEqualTo("config.User");
    assertThat(root.get("message").asText()).contains("runs as root");
    JsonNode secret = finding(findings, "SECRET_IN_ENV");
    assertThat(secret.get("outcome").asText()).isEqualTo("FAIL");
    assertThat(secret.get("subject").asText()).isEqualTo("env AWS_ACCESS_KEY_ID");
    assertThat(secret.get("message").asText()).contains("AWS access key id");
    assertThat(decisions.toString())
        .as("the secret itself is never repeated")
        .doesNotContain(AWS_KEY);
    assertThat(Files.readString(services.log("orchestrator-service")))
        .as("nor logged")
        .doesNotContain(AWS_KEY)
        .doesNotContain(ORCHESTRATOR_KEY);

    // the gate kept the same verdict for the team: the orchestrator showed what the gate decided
    HttpResponse<String> verdict =
        call(gate, "GET", "/api/v1/verdicts/" + image[1] + "?policy=default", key, null, null);
    assertThat(verdict.statusCode()).as(verdict.body()).isEqualTo(200);
    assertThat(JSON.readTree(verdict.body()).path("verdict").asText()).isEqualTo("FAIL");
  }

  @Test
  void refusesAnImageWithAVulnerablePackage() throws Exception {
    String[] image = push("vulnerable", Fixtures.debian(Fixtures.LIBSSL_STATUS));

    JsonNode run = runImage(image[0]);

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
    JsonNode app = app(run);
    assertThat(app.get("failureClass").asText()).isEqualTo("USER_ERROR");
    assertThat(app.get("reason").asText())
        .contains("refused by security-gate: FAIL: 1 finding")
        .contains("DSA-E2E-1 (CRITICAL)")
        .contains("libssl3");
    assertThat(attemptFiles(run)).as("nothing was launched").doesNotExist();

    JsonNode decision = decisions(run).get(0);
    assertThat(decision.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(decision.get("allowed").asBoolean()).isFalse();
    JsonNode vulnerability = finding(decision.get("findings"), "VULNERABILITY");
    assertThat(vulnerability.get("advisoryId").asText()).isEqualTo("DSA-E2E-1");
    assertThat(vulnerability.get("severity").asText()).isEqualTo("CRITICAL");
    assertThat(vulnerability.get("fixedVersion").asText()).isEqualTo(FIXED);
    assertThat(vulnerability.get("subject").asText()).contains("libssl3");
  }

  @Test
  void refusesAnImageTheGateCannotPullAsAPlatformFailure() throws Exception {
    // never pushed: the registry answers 404, the gate 422, and refuse-unknown keeps it from
    // running
    String image = registry.registry() + "/e2e/missing:1.0";

    JsonNode run = runImage(image);

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
    JsonNode app = app(run);
    assertThat(app.get("failureClass").asText()).isEqualTo("PLATFORM");
    assertThat(app.get("reason").asText())
        .startsWith(
            "no security-gate verdict for image " + image + ": security-gate answered HTTP 422")
        .contains("e2e/missing");
    assertThat(attemptFiles(run)).as("nothing was launched").doesNotExist();
    JsonNode decision = decisions(run).get(0);
    assertThat(decision.get("verdict").asText()).isEqualTo("UNKNOWN");
    assertThat(decision.get("allowed").asBoolean()).isFalse();
    assertThat(decision.get("findings")).isEmpty();
  }

  @Test
  void admitsACleanImageAndTheStageRuns() throws Exception {
    // the same package at the fixed version, running as a user
    String[] image =
        push("clean", Fixtures.debian(Fixtures.LIBSSL_STATUS.replace("3.0.11-1~deb12u2", FIXED)));

    JsonNode run = runImage(image[0]);

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(app(run).get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(attemptFiles(run).resolve("1.log")).as("the stage ran").exists();
    assertThat(Files.readString(attemptFiles(run).resolve("1.log"))).contains("the stage ran");

    JsonNode decisions = decisions(run);
    assertThat(decisions).hasSize(1);
    JsonNode decision = decisions.get(0);
    assertThat(decision.get("verdict").asText()).isEqualTo("PASS");
    assertThat(decision.get("allowed").asBoolean()).isTrue();
    assertThat(decision.get("digest").asText()).isEqualTo(image[1]);
    assertThat(rules(decision.get("findings"))).doesNotContain("VULNERABILITY", "RUN_AS_ROOT");
    assertThat(registry.tagRequests("e2e/clean", "1.0"))
        .as("the gate resolved the tag from the registry")
        .isEqualTo(1);
    assertThat(registry.tokenRequests()).as("with a bearer token").isPositive();
  }
}
