package io.stevedore.securitygate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.common.contract.ImageScanRequest;
import io.stevedore.securitygate.Fixtures;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.registry.TestRegistry;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Image scans requested over the image-scans queue. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class ImageScanQueueTest {

  @Inject ApiKeys keys;
  @Inject SqsClient sqs;
  @Inject ObjectMapper mapper;
  @Inject DataSource dataSource;

  @TempDir Path tmp;

  Fixtures.Team team;
  String queueUrl;

  @BeforeEach
  void setUp() {
    team = Fixtures.team(keys, "queue");
    team.as()
        .contentType("application/zip")
        .body(Fixtures.osvZip())
        .post("/api/v1/advisories/import")
        .then()
        .statusCode(200);
    team.as()
        .contentType("application/yaml")
        .body(Fixtures.POLICY)
        .put("/api/v1/policies/release")
        .then()
        .statusCode(201);
    queueUrl = sqs.getQueueUrl(r -> r.queueName("stevedore-image-scans")).queueUrl();
  }

  void send(ImageScanRequest request, String policy) throws Exception {
    String body = mapper.writeValueAsString(request);
    sqs.sendMessage(
        r ->
            r.queueUrl(queueUrl)
                .messageBody(body)
                .messageAttributes(
                    Map.of(
                        ImageScanConsumer.POLICY_ATTRIBUTE,
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(policy)
                            .build())));
  }

  @Test
  void requestedScanOfALocalImageStoresItsVerdict() throws Exception {
    TestImage image = Fixtures.debian(Fixtures.LIBSSL_STATUS);
    Path tar = image.writeOciTar(tmp.resolve("image.tar"));

    send(
        new ImageScanRequest(
            tar.toAbsolutePath().toString(),
            image.manifestDigest(),
            team.name(),
            null,
            Instant.now()),
        "release");

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                team.as()
                    .get("/api/v1/verdicts/" + image.manifestDigest() + "?policy=release")
                    .then()
                    .statusCode(200)
                    .body("verdict", equalTo("FAIL"))
                    .body("trigger", equalTo("QUEUE"))
                    .body("findings.advisoryId", hasItem("DSA-0001-1")));
  }

  @Test
  void requestForAnUnknownTeamIsDeadLetteredWithItsReason() throws Exception {
    String missing = "no-such-team-" + UUID.randomUUID().toString().substring(0, 8);
    Path tar = Fixtures.debian(null).writeOciTar(tmp.resolve("image.tar"));
    send(new ImageScanRequest(tar.toString(), null, missing, null, Instant.now()), "release");

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                count(
                        "select count(*) from jobs.message_failures where reason like ?",
                        "%team '" + missing + "' not found%")
                    > 0);
  }

  int count(String sql, Object... params) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void aRegistryImageIsPulledUnderThePolicyTheRequestNames() throws Exception {
    try (TestRegistry registry = new TestRegistry()) {
      TestImage image = Fixtures.debian(Fixtures.LIBSSL_STATUS);
      String digest = registry.push("team/queued", "7", image);
      team.as()
          .contentType("application/yaml")
          .body("vulnerabilities: {failAt: critical}\nforbidRoot: false\n")
          .put("/api/v1/policies/lenient")
          .then()
          .statusCode(201);

      // the request's policy wins over the message attribute
      send(
          new ImageScanRequest(
              registry.registry() + "/team/queued:7", null, team.name(), "lenient", Instant.now()),
          "release");

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  team.as()
                      .get("/api/v1/verdicts/" + digest + "?policy=lenient")
                      .then()
                      .statusCode(200)
                      .body("trigger", equalTo("QUEUE"))
                      .body("reference", equalTo(registry.registry() + "/team/queued:7")));
      assertThat(
              org.assertj.core.api.Assertions.catchThrowable(
                  () -> ImageScanConsumer.localPath("relative/path")))
          .hasMessageContaining("not a local path");
    }
  }
}
