package io.stevedore.validation.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.common.contract.ValidationRequest;
import io.stevedore.common.messaging.ContentEncoding;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Validation requests over SQS, as the orchestrator's validate stages send them: every request is
 * answered on the results queue, also when the data or the suite is missing.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class SqsValidationTest {

  /** Results received so far, by stage run id (the results queue is shared by the tests). */
  static final Map<String, JsonNode> RESULTS = new ConcurrentHashMap<>();

  @Inject ApiKeys keys;
  @Inject S3Client s3;
  @Inject SqsClient sqs;
  @Inject ObjectMapper mapper;
  @Inject DataSource dataSource;

  Fixtures.Team team;
  String requestsUrl;
  String resultsUrl;

  @BeforeEach
  void setUp() {
    Fixtures.buckets(s3);
    team = Fixtures.team(keys, "sqs");
    requestsUrl = sqs.getQueueUrl(r -> r.queueName("stevedore-validation-requests")).queueUrl();
    resultsUrl = sqs.getQueueUrl(r -> r.queueName("stevedore-validation-results")).queueUrl();
  }

  UUID send(ValidationRequest request) throws Exception {
    String body = mapper.writeValueAsString(request);
    sqs.sendMessage(
        r ->
            r.queueUrl(requestsUrl)
                .messageBody(body)
                .messageAttributes(
                    Map.of(
                        "stevedore-message-id", attribute(UUID.randomUUID().toString()),
                        "stevedore-type", attribute(ValidationRequest.TYPE),
                        "stevedore-version", attribute("1"))));
    return request.stageRunId();
  }

  static MessageAttributeValue attribute(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  JsonNode resultFor(UUID stageRunId) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (Message m :
                  sqs.receiveMessage(
                          r ->
                              r.queueUrl(resultsUrl)
                                  .waitTimeSeconds(1)
                                  .maxNumberOfMessages(10)
                                  .messageAttributeNames("All"))
                      .messages()) {
                JsonNode json = mapper.readTree(ContentEncoding.bodyOf(m));
                RESULTS.put(json.path("stageRunId").asText(), json);
                sqs.deleteMessage(r -> r.queueUrl(resultsUrl).receiptHandle(m.receiptHandle()));
              }
              return RESULTS.containsKey(stageRunId.toString());
            });
    return RESULTS.get(stageRunId.toString());
  }

  ValidationRequest request(String suite, String uri) {
    return new ValidationRequest(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "check-" + suite,
        1,
        team.id(),
        suite,
        uri,
        "csv",
        null,
        null);
  }

  @Test
  void validatesAndPublishesTheResult() throws Exception {
    assertThat(team.saveSuite("airports.yaml")).isEqualTo(201);
    String uri = Fixtures.upload(s3, team.name() + "/airports.csv", Fixtures.data("airports.csv"));
    ValidationRequest request = request("airports", uri);

    JsonNode result = resultFor(send(request));

    assertThat(result.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(result.path("runId").asText()).isEqualTo(request.runId().toString());
    assertThat(result.path("stageId").asText()).isEqualTo("check-airports");
    assertThat(result.path("attempt").asInt()).isEqualTo(1);
    assertThat(result.path("failedChecks").toString()).isEqualTo("[\"completeness(state)\"]");
    assertThat(result.path("score").asDouble()).isBetween(90.0, 100.0);
    assertThat(result.has("error")).isFalse();
    String reportUri = result.path("reportUri").asText();
    assertThat(reportUri)
        .isEqualTo(
            "s3://"
                + Fixtures.REPORT_BUCKET
                + "/"
                + request.runId()
                + "/check-airports/1/airports.json");
    JsonNode report =
        mapper.readTree(
            s3.getObjectAsBytes(
                    r ->
                        r.bucket(Fixtures.REPORT_BUCKET)
                            .key(reportUri.substring(reportUri.indexOf("/", 5) + 1)))
                .asByteArray());
    assertThat(report.path("report").path("rowCount").asLong()).isEqualTo(3376);
    assertThat(report.path("stageRunId").asText()).isEqualTo(request.stageRunId().toString());

    // stored with the stage attempt, and the score matches what was published
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select verdict, score, row_count, metrics::text from validation.validation_results"
                    + " where stage_run_id = ?")) {
      ps.setObject(1, request.stageRunId());
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("FAIL");
        assertThat(rs.getDouble(2)).isEqualTo(result.path("score").asDouble());
        assertThat(rs.getLong(3)).isEqualTo(3376);
        JsonNode metrics = mapper.readTree(rs.getString(4));
        assertThat(metrics.size()).isEqualTo(5);
        assertThat(rs.next()).isFalse();
      }
    }

    // the same attempt requested again (a new message id) is answered with the stored result
    RESULTS.remove(request.stageRunId().toString());
    JsonNode again = resultFor(send(request));
    assertThat(again.path("reportUri").asText()).isEqualTo(reportUri);
    assertThat(again.path("failedChecks")).isEqualTo(result.path("failedChecks"));
    assertThat(count(request.stageRunId())).isEqualTo(1);
  }

  @Test
  void onFailQuarantineCorrectsTheDataAndNamesTheOutputs() throws Exception {
    assertThat(team.saveSuite("airports-corrected.yaml")).isEqualTo(201);
    String uri = Fixtures.upload(s3, team.name() + "/airports.csv", Fixtures.data("airports.csv"));
    ValidationRequest plain = request("airports", uri);
    ValidationRequest request =
        new ValidationRequest(
            plain.stageRunId(),
            plain.runId(),
            plain.stageId(),
            plain.attempt(),
            plain.teamId(),
            plain.suite(),
            plain.datasetUri(),
            plain.format(),
            "quarantine",
            null);

    JsonNode result = resultFor(send(request));

    String base = request.runId() + "/check-airports/1/";
    assertThat(result.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(result.path("correctedUri").asText())
        .isEqualTo("s3://" + Fixtures.STAGES_BUCKET + "/" + base + "corrected/airports.parquet");
    assertThat(result.path("quarantineUri").asText())
        .isEqualTo(
            "s3://" + Fixtures.QUARANTINE_BUCKET + "/" + base + "airports.quarantine.parquet");
    assertThat(result.path("quarantinedRows").asLong()).isEqualTo(12);
    assertThat(
            s3.headObject(
                    r ->
                        r.bucket(Fixtures.QUARANTINE_BUCKET)
                            .key(base + "airports.quarantine.parquet"))
                .contentLength())
        .isPositive();

    // a redelivered request names the same outputs, from the recorded correction
    RESULTS.remove(request.stageRunId().toString());
    JsonNode again = resultFor(send(request));
    assertThat(again.path("correctedUri")).isEqualTo(result.path("correctedUri"));
    assertThat(again.path("quarantinedRows").asLong()).isEqualTo(12);
  }

  @Test
  void onFailQuarantineWithASuiteWithoutCorrectionsNamesNoCorrectedData() throws Exception {
    assertThat(team.saveSuite("airports.yaml")).isEqualTo(201);
    String uri = Fixtures.upload(s3, team.name() + "/airports.csv", Fixtures.data("airports.csv"));
    ValidationRequest plain = request("airports", uri);
    ValidationRequest request =
        new ValidationRequest(
            plain.stageRunId(),
            plain.runId(),
            plain.stageId(),
            plain.attempt(),
            plain.teamId(),
            plain.suite(),
            plain.datasetUri(),
            plain.format(),
            "quarantine",
            "s3://" + Fixtures.STAGES_BUCKET + "/runs/" + plain.runId() + "/check/");

    JsonNode result = resultFor(send(request));

    assertThat(result.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(result.has("correctedUri")).isFalse();
    assertThat(result.has("quarantineUri")).isFalse();
    assertThat(result.has("error")).isFalse();
  }

  @Test
  void aMissingDatasetIsAnsweredWithAFailureNamingIt() throws Exception {
    assertThat(team.saveSuite("zipcodes.yaml")).isEqualTo(201);
    String uri = "s3://" + Fixtures.DATA_BUCKET + "/" + team.name() + "/missing/zipcodes.csv";
    ValidationRequest request = request("zipcodes", uri);

    JsonNode result = resultFor(send(request));

    assertThat(result.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(result.path("score").asDouble()).isZero();
    assertThat(result.path("error").asText())
        .isEqualTo("dataset object " + uri + " does not exist (no object or prefix of that name)");
    assertThat(count(request.stageRunId())).isEqualTo(1);
  }

  @Test
  void anUnknownSuiteIsAnsweredWithAFailure() throws Exception {
    ValidationRequest request = request("no-such-suite", "s3://x/y.csv");
    JsonNode result = resultFor(send(request));
    assertThat(result.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(result.path("error").asText())
        .isEqualTo("suite 'no-such-suite' not found for the request's team");

    // another team's suite is unknown too
    Fixtures.Team other = Fixtures.team(keys, "sqs-other");
    assertThat(other.saveSuite("zipcodes.yaml")).isEqualTo(201);
    ValidationRequest foreign = request("zipcodes", "s3://x/y.csv");
    assertThat(resultFor(send(foreign)).path("error").asText())
        .isEqualTo("suite 'zipcodes' not found for the request's team");
  }

  private int count(UUID stageRunId) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from validation.validation_results where stage_run_id = ?")) {
      ps.setObject(1, stageRunId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
