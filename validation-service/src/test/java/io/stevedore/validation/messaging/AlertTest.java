package io.stevedore.validation.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.common.contract.Alert;
import io.stevedore.common.contract.ValidationRequest;
import io.stevedore.common.messaging.ContentEncoding;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** A failed validation raises an alert on the alerts queue (ElasticMQ), through the outbox. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class AlertTest {

  /** Alerts received so far, by result id (the alerts queue is shared by the tests). */
  static final Map<String, Message> ALERTS = new ConcurrentHashMap<>();

  @Inject ApiKeys keys;
  @Inject S3Client s3;
  @Inject SqsClient sqs;
  @Inject ObjectMapper mapper;

  Fixtures.Team team;
  String alertsUrl;

  @BeforeEach
  void setUp() {
    Fixtures.buckets(s3);
    team = Fixtures.team(keys, "alert");
    alertsUrl = sqs.getQueueUrl(r -> r.queueName("stevedore-alerts")).queueUrl();
  }

  void drain() throws Exception {
    for (Message m :
        sqs.receiveMessage(
                r ->
                    r.queueUrl(alertsUrl)
                        .waitTimeSeconds(1)
                        .maxNumberOfMessages(10)
                        .messageAttributeNames("All"))
            .messages()) {
      JsonNode json = mapper.readTree(ContentEncoding.bodyOf(m));
      ALERTS.put(json.path("attributes").path("resultId").asText(), m);
      sqs.deleteMessage(r -> r.queueUrl(alertsUrl).receiptHandle(m.receiptHandle()));
    }
  }

  JsonNode alertFor(String resultId) throws Exception {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              drain();
              return ALERTS.containsKey(resultId);
            });
    return mapper.readTree(ContentEncoding.bodyOf(ALERTS.get(resultId)));
  }

  @Test
  void aFailedValidationRaisesOneAlertAndAPassingOneNone() throws Exception {
    assertThat(team.saveSuite("zipcodes.yaml")).isEqualTo(201);
    String zips = Fixtures.upload(s3, team.name() + "/zipcodes.csv", Fixtures.data("zipcodes.csv"));
    String passed =
        team.as()
            .contentType("application/json")
            .body(Map.of("suite", "zipcodes", "datasetUri", zips))
            .post("/api/v1/validations")
            .then()
            .statusCode(201)
            .extract()
            .path("id");

    assertThat(team.saveSuite("airports.yaml")).isEqualTo(201);
    String airports =
        Fixtures.upload(s3, team.name() + "/airports.csv", Fixtures.data("airports.csv"));
    String failed =
        team.as()
            .contentType("application/json")
            .body(Map.of("suite", "airports", "datasetUri", airports))
            .post("/api/v1/validations")
            .then()
            .statusCode(201)
            .body("verdict", org.hamcrest.Matchers.equalTo("FAIL"))
            .extract()
            .path("id");

    JsonNode alert = alertFor(failed);
    Message message = ALERTS.get(failed);
    assertThat(message.messageAttributes().get("stevedore-type").stringValue())
        .isEqualTo(Alert.TYPE);
    assertThat(alert.path("source").asText()).isEqualTo("validation");
    assertThat(alert.path("kind").asText()).isEqualTo("VALIDATION_FAILED");
    assertThat(alert.path("severity").asText()).isEqualTo("critical");
    assertThat(alert.path("teamId").asText()).isEqualTo(team.id().toString());
    assertThat(alert.path("team").asText()).isEqualTo(team.name());
    assertThat(alert.path("title").asText())
        .isEqualTo("dataset 'airports' failed suite 'airports'");
    assertThat(alert.path("detail").asText()).contains("completeness(state)");
    assertThat(alert.path("attributes").path("failedChecks").asText())
        .isEqualTo("completeness(state)");
    assertThat(alert.path("attributes").path("datasetUri").asText()).isEqualTo(airports);
    assertThat(alert.path("id").asText()).isNotEmpty();
    // the passing validation ran first: its alert would have been sent first
    assertThat(ALERTS).doesNotContainKey(passed);
  }

  @Test
  void aValidateStageThatFailsRaisesAnAlertNamingItsRun() throws Exception {
    assertThat(team.saveSuite("zipcodes.yaml")).isEqualTo(201);
    String requestsUrl =
        sqs.getQueueUrl(r -> r.queueName("stevedore-validation-requests")).queueUrl();
    UUID runId = UUID.randomUUID();
    String missing = "s3://" + Fixtures.DATA_BUCKET + "/" + team.name() + "/none.csv";
    ValidationRequest request =
        new ValidationRequest(
            UUID.randomUUID(),
            runId,
            "check-zips",
            2,
            team.id(),
            "zipcodes",
            missing,
            "csv",
            null,
            null);
    String body = mapper.writeValueAsString(request);
    sqs.sendMessage(
        r ->
            r.queueUrl(requestsUrl)
                .messageBody(body)
                .messageAttributes(
                    Map.of(
                        "stevedore-message-id",
                        SqsValidationTest.attribute(UUID.randomUUID().toString()),
                        "stevedore-type",
                        SqsValidationTest.attribute(ValidationRequest.TYPE),
                        "stevedore-version",
                        SqsValidationTest.attribute("1"))));

    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              drain();
              return ALERTS.values().stream()
                  .anyMatch(m -> ContentEncoding.bodyOf(m).contains(runId.toString()));
            });
    JsonNode alert =
        mapper.readTree(
            ALERTS.values().stream()
                .map(ContentEncoding::bodyOf)
                .filter(text -> text.contains(runId.toString()))
                .findFirst()
                .orElseThrow());
    assertThat(alert.path("runId").asText()).isEqualTo(runId.toString());
    assertThat(alert.path("stageId").asText()).isEqualTo("check-zips");
    assertThat(alert.path("attributes").path("attempt").asText()).isEqualTo("2");
    assertThat(alert.path("detail").asText())
        .startsWith("The validation could not run: dataset object " + missing);
  }
}
