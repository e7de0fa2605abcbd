package io.stevedore.securitygate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.securitygate.Fixtures;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies, scans, cached verdicts, findings, SBOMs and advisory imports over HTTP. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class ScanApiTest {

  @Inject ApiKeys keys;
  @Inject software.amazon.awssdk.services.sqs.SqsClient sqs;
  @Inject com.fasterxml.jackson.databind.ObjectMapper mapper;

  @TempDir Path tmp;

  Fixtures.Team team;

  @BeforeEach
  void setUp() {
    team = Fixtures.team(keys, "gate");
    team.as()
        .contentType("application/zip")
        .body(Fixtures.osvZip())
        .post("/api/v1/advisories/import?source=fixtures.zip")
        .then()
        .statusCode(200);
    putPolicy(team, "default", Fixtures.POLICY).then().statusCode(201);
  }

  io.restassured.response.Response putPolicy(Fixtures.Team t, String name, String yaml) {
    return t.as().contentType("application/yaml").body(yaml).put("/api/v1/policies/" + name);
  }

  com.fasterxml.jackson.databind.JsonNode tree(String body) {
    try {
      return mapper.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  byte[] ociTar(TestImage image) throws Exception {
    return Files.readAllBytes(image.writeOciTar(tmp.resolve(UUID.randomUUID() + ".tar")));
  }

  io.restassured.response.Response scan(Fixtures.Team t, byte[] tar, String policy) {
    return t.as().contentType("application/x-tar").body(tar).post("/api/v1/scans?policy=" + policy);
  }

  @Test
  void scanFailsWithTheFindingsAndTheSecondScanIsServedFromTheCache() throws Exception {
    TestImage image = Fixtures.debian(Fixtures.LIBSSL_STATUS);
    byte[] tar = ociTar(image);

    JsonPath first = scan(team, tar, "default").then().statusCode(201).extract().jsonPath();
    assertThat(first.getString("digest")).isEqualTo(image.manifestDigest());
    assertThat(first.getString("verdict")).isEqualTo("FAIL");
    assertThat(first.getBoolean("cached")).isFalse();
    assertThat(first.getBoolean("current")).isTrue();
    assertThat(first.getList("findings.advisoryId")).containsExactly("DSA-0001-1");
    assertThat(first.getList("findings.rule")).containsExactly("VULNERABILITY");
    assertThat(first.getList("findings.fixedVersion")).containsExactly("3.0.13-1~deb12u1");
    assertThat(first.getList("findings[0].cves")).containsExactly("CVE-2023-5678");

    JsonPath second = scan(team, tar, "default").then().statusCode(200).extract().jsonPath();
    assertThat(second.getBoolean("cached")).isTrue();
    assertThat(second.getString("id")).isEqualTo(first.getString("id"));
    assertThat(second.getString("verdict")).isEqualTo("FAIL");

    team.as()
        .get("/api/v1/verdicts/" + image.manifestDigest() + "?policy=default")
        .then()
        .statusCode(200)
        .body("verdict", equalTo("FAIL"))
        .body("id", equalTo(first.getString("id")))
        .body("trigger", equalTo("API"));
    team.as()
        .get("/api/v1/images/" + image.manifestDigest() + "/findings")
        .then()
        .statusCode(200)
        .body("findings.advisoryId", hasItem("DSA-0001-1"));
    team.as()
        .get("/api/v1/images/" + image.manifestDigest() + "/sbom")
        .then()
        .statusCode(200)
        .contentType(containsString("cyclonedx"))
        .body("bomFormat", equalTo("CycloneDX"))
        .body("components.purl", hasItem(startsWith("pkg:deb/debian/libssl3@3.0.11-1~deb12u2")));
  }

  @Test
  void dockerSaveTarGetsAVerdictPinnedToItsImageId() throws Exception {
    TestImage image = Fixtures.debian(Fixtures.LIBSSL_STATUS);
    byte[] tar = Files.readAllBytes(image.writeDockerSave(tmp.resolve("docker.tar")));

    scan(team, tar, "default")
        .then()
        .statusCode(201)
        .body("digest", equalTo(image.configDigest()))
        .body("findings.advisoryId", hasItem("DSA-0001-1"));
  }

  @Test
  void changedPolicyMakesANewVersionAndANewVerdict() throws Exception {
    byte[] tar = ociTar(Fixtures.debian(Fixtures.LIBSSL_STATUS));
    scan(team, tar, "default").then().statusCode(201).body("verdict", equalTo("FAIL"));

    putPolicy(team, "default", Fixtures.POLICY)
        .then()
        .statusCode(200)
        .body("version", equalTo(1))
        .body("changed", equalTo(false));
    putPolicy(team, "default", "vulnerabilities: {failAt: critical}\n")
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("changed", equalTo(true));

    scan(team, tar, "default")
        .then()
        .statusCode(201)
        .body("cached", equalTo(false))
        .body("policyVersion", equalTo(2))
        .body("verdict", equalTo("PASS"));
    team.as()
        .get("/api/v1/policies/default?version=1")
        .then()
        .statusCode(200)
        .body("yaml", equalTo(Fixtures.POLICY));
  }

  @Test
  void importOfANewAdvisoryChangesTheDataVersionAndTheVerdictAndRescanAlerts() throws Exception {
    String pkg = "pkg" + UUID.randomUUID().toString().substring(0, 8);
    String status =
        "Package: " + pkg + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n";
    TestImage image = Fixtures.debian(status);
    byte[] tar = ociTar(image);
    JsonPath before = scan(team, tar, "default").then().statusCode(201).extract().jsonPath();
    assertThat(before.getString("verdict")).isEqualTo("PASS");

    String id = "DSA-" + pkg;
    JsonPath imported =
        team.as()
            .contentType("application/json")
            .body(Fixtures.debianAdvisory(id, pkg, "1.0-2"))
            .post("/api/v1/advisories/import")
            .then()
            .statusCode(200)
            .body("inserted", equalTo(1))
            .extract()
            .jsonPath();
    assertThat(imported.getString("dataVersion"))
        .isNotEqualTo(imported.getString("previousDataVersion"))
        .isNotEqualTo(before.getString("advisoryVersion"));

    // the stored verdict no longer holds; a rescan records the new one (the image now fails)
    team.as()
        .get("/api/v1/verdicts/" + image.manifestDigest() + "?policy=default")
        .then()
        .statusCode(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                team.as()
                    .get("/api/v1/verdicts/" + image.manifestDigest() + "?policy=default")
                    .then()
                    .statusCode(200)
                    .body("trigger", equalTo("RESCAN"))
                    .body("verdict", equalTo("FAIL"))
                    .body("current", equalTo(true))
                    .body("findings.advisoryId", hasItem(id)));

    // ... and an IMAGE_NOW_FAILS alert goes through the outbox to the alerts queue
    String alerts = sqs.getQueueUrl(r -> r.queueName("stevedore-alerts")).queueUrl();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                sqs
                    .receiveMessage(
                        r -> r.queueUrl(alerts).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()
                    .stream()
                    .map(m -> tree(m.body()))
                    .anyMatch(
                        a ->
                            a.path("kind").asText().equals("IMAGE_NOW_FAILS")
                                && a.path("attributes")
                                    .path("digest")
                                    .asText()
                                    .equals(image.manifestDigest())
                                && a.path("team").asText().equals(team.name())
                                && a.path("detail").asText().contains(id)));

    JsonPath after = scan(team, tar, "default").then().statusCode(200).extract().jsonPath();
    assertThat(after.getBoolean("cached")).isTrue();
    assertThat(after.getString("verdict")).isEqualTo("FAIL");
    assertThat(after.getString("advisoryVersion")).isEqualTo(imported.getString("dataVersion"));
    assertThat(after.getList("findings.fixedVersion")).containsExactly("1.0-2");

    // importing the same record again changes nothing
    team.as()
        .contentType("application/json")
        .body(Fixtures.debianAdvisory(id, pkg, "1.0-2"))
        .post("/api/v1/advisories/import")
        .then()
        .statusCode(200)
        .body("unchanged", equalTo(1))
        .body("dataVersion", equalTo(imported.getString("dataVersion")));
  }

  @Test
  void anotherTeamCannotSeeThePolicyOrTheVerdict() throws Exception {
    Fixtures.Team other = Fixtures.team(keys, "other");
    TestImage image = Fixtures.debian(Fixtures.LIBSSL_STATUS);
    byte[] tar = ociTar(image);
    scan(team, tar, "default").then().statusCode(201);

    other
        .as()
        .get("/api/v1/policies/default")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("policy 'default' not found"));
    other.as().get("/api/v1/verdicts/" + image.manifestDigest()).then().statusCode(404);
    other.as().get("/api/v1/images/" + image.manifestDigest() + "/sbom").then().statusCode(404);
    scan(other, tar, "default").then().statusCode(404);
  }

  @Test
  void corruptTarIsAProblemAndLeavesNoVerdict() {
    team.as()
        .contentType("application/x-tar")
        .body("this is not a tar".getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/scans?policy=default")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", startsWith("the image cannot be read"))
        .body("errors[0].field", equalTo("image"))
        .body("detail", org.hamcrest.Matchers.not(containsString("Exception")));
  }

  @Test
  void tamperedLayerIsAProblemNamingTheDigest() throws Exception {
    TestImage image = Fixtures.debian(Fixtures.LIBSSL_STATUS);
    var files = image.ociFiles();
    String layer =
        files.keySet().stream()
            .filter(k -> k.startsWith("blobs/"))
            .filter(k -> files.get(k).length > 2 && files.get(k)[0] == (byte) 0x1f)
            .findFirst()
            .orElseThrow();
    files.put(layer, TestImage.gzip("tampered".getBytes(StandardCharsets.UTF_8)));
    byte[] tar = Files.readAllBytes(TestImage.writeTar(tmp.resolve("t.tar"), files));

    scan(team, tar, "default")
        .then()
        .statusCode(422)
        .body("detail", containsString("it was altered"));
    team.as().get("/api/v1/verdicts/" + image.manifestDigest()).then().statusCode(404);
  }

  @Test
  void imageOverTheSizeLimitIsRefused() {
    byte[] big = new byte[3 * 1024 * 1024];
    scan(team, big, "default").then().statusCode(413).contentType("application/problem+json");
  }

  @Test
  void invalidPolicyIsAProblemWithEveryFieldPath() {
    putPolicy(
            team, "strict", "vulnerabilities: {failAt: severe}\nforbidRoot: maybe\nteam: someone\n")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body(
            "errors.field",
            org.hamcrest.Matchers.hasItems("vulnerabilities.failAt", "forbidRoot", "team"));
    putPolicy(team, "Bad Name", Fixtures.POLICY).then().statusCode(422);
    putPolicy(team, "broken", "a: [unclosed\n").then().statusCode(400);
    team.as().get("/api/v1/policies/strict").then().statusCode(404);
    scan(team, new byte[] {1}, "missing").then().statusCode(404);
  }

  @Test
  void requestsWithoutAKeyAreRefused() {
    io.restassured.RestAssured.given()
        .get("/api/v1/policies/default")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
  }
}
