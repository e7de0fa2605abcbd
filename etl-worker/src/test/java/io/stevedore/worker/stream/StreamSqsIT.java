package io.stevedore.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Stream mode on SQS with the packaged worker against ElasticMQ and embedded Postgres: killed with
 * SIGKILL at random moments and restarted, it still writes every record exactly once; a record that
 * is not JSON goes to the dead-letter queue without blocking the stream; merge updates rows by key;
 * SIGTERM stops it with exit 0; heartbeats reach the task-events queue.
 *
 * <p>Run: {@code ./mvnw -B -q -pl etl-worker -am verify -DskipITs=false -Dit.test=StreamSqsIT
 * -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class StreamSqsIT {

  static final int RECORDS = 5000;
  static final int KILLS = 4;
  static final List<String> BAD = List.of("this is not json {", "[1, 2, 3]");

  static SqsClient sqs;
  final Random random = new Random();
  final ObjectMapper mapper = new ObjectMapper();
  final List<StreamWorkerProcess> started = new ArrayList<>();

  @BeforeAll
  static void clients() {
    sqs =
        SqsClient.builder()
            .endpointOverride(URI.create(SqsResource.endpoint()))
            .region(Region.of(SqsResource.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(SqsResource.ACCESS_KEY, SqsResource.SECRET_KEY)))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void close() {
    sqs.close();
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (StreamWorkerProcess p : started) {
      if (p.process.isAlive()) {
        p.kill();
      }
    }
  }

  @Test
  void writesEveryRecordExactlyOnceAcrossSigkillsAndMovesBadRecordsToTheDeadLetterQueue()
      throws Exception {
    String name = "stream-it-" + UUID.randomUUID().toString().substring(0, 8);
    String queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
    String table = "public." + name.replace('-', '_');
    sql("create table " + table + " (id bigint, name text, amount_cents bigint)");

    List<String> bodies = new ArrayList<>();
    long expectedCents = 0;
    for (int id = 1; id <= RECORDS; id++) {
      int cents = random.nextInt(100_000);
      expectedCents += cents;
      bodies.add(
          "{\"id\": "
              + id
              + ", \"name\": \"item "
              + id
              + "\", \"amount\": "
              + (cents / 100)
              + "."
              + String.format("%02d", cents % 100)
              + "}");
    }
    bodies.add(1234, BAD.get(0));
    bodies.add(3456, BAD.get(1));
    send(queueUrl, bodies);

    String[] args = {
      "--source",
      "sqs://" + name,
      "--sql",
      "select id, upper(name) as name, cast(round(amount * 100) as bigint) as amount_cents"
          + " from batch",
      "--target-table",
      table,
      "--stream-id",
      "it/" + name,
      "--batch-max-records",
      "100",
      "--batch-max-wait",
      "1s",
      "--visibility-timeout",
      "3s"
    };

    int kills = 0;
    for (int i = 0; i < KILLS; i++) {
      StreamWorkerProcess worker = start(null, Map.of(), args);
      // Wait until it commits batches, then kill it at a random moment of a later batch.
      int batches = 1 + random.nextInt(2);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> worker.batchLines().size() >= batches || !worker.process.isAlive());
      assertThat(worker.process.isAlive()).as("worker %d: %s", i, worker.errors()).isTrue();
      Awaitility.await()
          .pollDelay(Duration.ofMillis(random.nextInt(700)))
          .atMost(Duration.ofSeconds(5))
          .until(() -> true);
      worker.kill();
      kills++;
    }

    try (Connection db = connect();
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from " + table)) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows written before the last restart").isLessThan(RECORDS);
    }
    // SIGTERM: stops between batches with exit 0.
    StreamWorkerProcess polite = start(null, Map.of(), args);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !polite.batchLines().isEmpty() || !polite.process.isAlive());
    polite.terminate();
    assertThat(polite.awaitExit(30)).as(polite.errors()).isZero();
    assertThat(polite.errors()).contains("stopped (stop requested)");

    // The last run drains the queue, including what the killed ones held invisible.
    StreamWorkerProcess last = start(null, Map.of(), append(args, "--stop-when-idle", "8s"));
    assertThat(last.awaitExit(300)).as(last.errors()).isZero();
    assertThat(kills).isEqualTo(KILLS);

    try (Connection db = connect();
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select count(*), count(distinct id), sum(id), sum(amount_cents),"
                    + " md5(string_agg(id::text, ',' order by id)), count(*) filter (where name"
                    + " <> 'ITEM ' || id) from "
                    + table)) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows").isEqualTo(RECORDS);
      assertThat(rs.getLong(2)).as("distinct ids").isEqualTo(RECORDS);
      assertThat(rs.getLong(3)).as("sum of ids").isEqualTo((long) RECORDS * (RECORDS + 1) / 2);
      assertThat(rs.getLong(4)).as("sum of amounts in cents").isEqualTo(expectedCents);
      assertThat(rs.getString(5)).as("checksum of ids").isEqualTo(md5OfIds(RECORDS));
      assertThat(rs.getLong(6)).as("rows the SQL did not transform").isZero();
    }

    Map<String, String> reasons = new HashMap<>();
    for (Message m : receiveAll(dlqUrl)) {
      reasons.put(
          m.body(), m.messageAttributes().get(SqsStreamSource.REASON_ATTRIBUTE).stringValue());
    }
    assertThat(reasons).containsOnlyKeys(BAD);
    assertThat(reasons.get(BAD.get(0))).startsWith("not JSON: ");
    assertThat(reasons.get(BAD.get(1))).isEqualTo("not a JSON object: ARRAY");
    assertThat(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages())
        .as("the source queue is drained")
        .isEmpty();
  }

  @Test
  void mergeUpdatesRowsByKeyAndSendsHeartbeats() throws Exception {
    String name = "stream-merge-" + UUID.randomUUID().toString().substring(0, 8);
    String queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
    sqs.createQueue(b -> b.queueName(name + "-dlq"));
    String events = sqs.createQueue(b -> b.queueName(name + "-events")).queueUrl();
    String table = "public." + name.replace('-', '_');
    sql("create table " + table + " (id bigint primary key, status text, seen bigint)");
    String stageRunId = UUID.randomUUID().toString();
    String runId = UUID.randomUUID().toString();
    Map<String, String> env =
        Map.of(
            "STEVEDORE_TASK_EVENTS_QUEUE_URL",
            events,
            "STEVEDORE_STAGE_RUN_ID",
            stageRunId,
            "STEVEDORE_RUN_ID",
            runId,
            "STEVEDORE_STAGE_ID",
            "orders-stream",
            "STEVEDORE_ATTEMPT",
            "2",
            "STEVEDORE_HEARTBEAT_INTERVAL",
            "1",
            "STEVEDORE_PIPELINE",
            "orders",
            "STEVEDORE_STAGE_SPEC",
            mapper.writeValueAsString(
                Map.of(
                    "id", "orders-stream",
                    "type", "stream",
                    "source", Map.of("kind", "sqs", "uri", "sqs://" + queueUrl, "format", "json"),
                    "sql", "select id, status, 1 as seen from batch",
                    "target",
                        Map.of(
                            "kind",
                            "postgres",
                            "table",
                            table,
                            "mode",
                            "merge",
                            "key",
                            List.of("id")))));

    send(
        queueUrl,
        List.of(
            "{\"id\": 1, \"status\": \"new\"}",
            "{\"id\": 2, \"status\": \"new\"}",
            "{\"id\": 3, \"status\": \"new\"}"));
    StreamWorkerProcess first = start(null, env, "--stop-when-idle", "3s");
    assertThat(first.awaitExit(120)).as(first.errors()).isZero();
    assertThat(rows(table)).containsExactly("1:new", "2:new", "3:new");

    send(
        queueUrl,
        List.of("{\"id\": 2, \"status\": \"shipped\"}", "{\"id\": 4, \"status\": \"new\"}"));
    StreamWorkerProcess second = start(null, env, "--stop-when-idle", "3s");
    assertThat(second.awaitExit(120)).as(second.errors()).isZero();
    assertThat(rows(table)).containsExactly("1:new", "2:shipped", "3:new", "4:new");

    List<Message> beats = receiveAll(events);
    assertThat(beats).isNotEmpty();
    JsonNode beat = mapper.readTree(beats.get(0).body());
    List<String> fields = new ArrayList<>();
    beat.fieldNames().forEachRemaining(fields::add);
    fields.remove("metrics"); // present once a batch was committed, see below
    assertThat(fields)
        .containsExactlyInAnyOrder("kind", "stageRunId", "runId", "stageId", "attempt", "at");
    assertThat(beat.get("kind").asText()).isEqualTo("HEARTBEAT");
    assertThat(beat.get("stageRunId").asText()).isEqualTo(stageRunId);
    assertThat(beat.get("runId").asText()).isEqualTo(runId);
    assertThat(beat.get("attempt").asInt()).isEqualTo(2);
    assertThat(beats.get(0).messageAttributes().get("stevedore-type").stringValue())
        .isEqualTo("task-event");
    assertThat(beats.get(0).messageAttributes().get("stevedore-version").stringValue())
        .isEqualTo("1");
    assertThat(beats.get(0).messageAttributes()).containsKey("stevedore-message-id");
    // once a batch was committed, heartbeats carry its lag (the orchestrator's gauges)
    List<JsonNode> withLag = new ArrayList<>();
    for (Message m : beats) {
      JsonNode b = mapper.readTree(m.body());
      if (b.has("metrics")) {
        withLag.add(b.get("metrics"));
      }
    }
    assertThat(withLag).as("heartbeats after the first batch").isNotEmpty();
    assertThat(withLag.get(0).get("lagMillis").asDouble()).isNotNegative();
    assertThat(withLag.get(0).has("backlog")).isTrue();

    // the lag line: one JSON object per committed batch, with the stream id from the environment
    JsonNode line = mapper.readTree(first.batchLines().get(0));
    assertThat(line.get("streamId").asText()).isEqualTo("orders/orders-stream");
    assertThat(line.get("lagMillis").asLong()).isNotNegative();
    assertThat(line.has("backlog")).isTrue();
  }

  @Test
  void missingTargetTableFailsWithItsNameAndExitOne() throws Exception {
    String name = "stream-missing-" + UUID.randomUUID().toString().substring(0, 8);
    sqs.createQueue(b -> b.queueName(name));
    sqs.createQueue(b -> b.queueName(name + "-dlq"));
    StreamWorkerProcess worker =
        start(
            null,
            Map.of(),
            "--source",
            "sqs://" + name,
            "--target-table",
            "public.no_such_table",
            "--stream-id",
            "it/" + name,
            "--stop-when-idle",
            "1s");
    assertThat(worker.awaitExit(60)).isEqualTo(1);
    assertThat(worker.errors())
        .contains("target table 'public.no_such_table' does not exist")
        .doesNotContain("Exception");
  }

  private StreamWorkerProcess start(String kinesis, Map<String, String> env, String... args)
      throws Exception {
    StreamWorkerProcess p = StreamWorkerProcess.start(kinesis, env, args);
    started.add(p);
    return p;
  }

  static String[] append(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  private void send(String queueUrl, List<String> bodies) {
    for (int from = 0; from < bodies.size(); from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(bodies.size(), from + 10); i++) {
        entries.add(
            SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(bodies.get(i)).build());
      }
      var response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      assertThat(response.failed()).isEmpty();
    }
  }

  private List<Message> receiveAll(String queueUrl) {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> got =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageAttributeNames("All"))
              .messages();
      if (got.isEmpty()) {
        return all;
      }
      all.addAll(got);
    }
  }

  private List<String> rows(String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection db = connect();
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("select id, status from " + table + " order by id")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + ":" + rs.getString(2));
      }
    }
    return rows;
  }

  static String md5OfIds(int n) throws Exception {
    StringBuilder ids = new StringBuilder();
    for (int id = 1; id <= n; id++) {
      if (id > 1) {
        ids.append(',');
      }
      ids.append(id);
    }
    byte[] digest =
        MessageDigest.getInstance("MD5").digest(ids.toString().getBytes(StandardCharsets.UTF_8));
    return String.format("%032x", new BigInteger(1, digest));
  }

  static void sql(String statement) throws SQLException {
    try (Connection db = connect();
        Statement st = db.createStatement()) {
      st.execute(statement);
    }
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
  }
}
