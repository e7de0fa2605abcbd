package io.stevedore.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testing.Moto;
import io.stevedore.testing.RequiresMoto;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Stream mode on Kinesis (moto) with 2 shards and the packaged worker: killed with SIGKILL at
 * random moments and restarted, it resumes after each shard's committed sequence number and writes
 * every record exactly once; records that are not JSON objects land in {@code
 * stevedore_stream_rejects}.
 *
 * <p>Run: {@code ./mvnw -B -q -pl etl-worker -am verify -DskipITs=false -Dit.test=StreamKinesisIT
 * -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@RequiresMoto
class StreamKinesisIT {

  static final int RECORDS = 5000;
  static final int KILLS = 4;
  static final List<String> BAD = List.of("{\"id\": 77, broken", "\"just a string\"");

  final Random random = new Random();
  final List<StreamWorkerProcess> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (StreamWorkerProcess p : started) {
      if (p.process.isAlive()) {
        p.kill();
      }
    }
  }

  @Test
  void writesEveryRecordOfTwoShardsExactlyOnceAcrossSigkills() throws Exception {
    // moto answers Kinesis in JSON only (the SDK speaks CBOR by default)
    System.setProperty("aws.cborEnabled", "false");
    String endpoint = Moto.endpoint();
    String stream = "stream-it-" + UUID.randomUUID().toString().substring(0, 8);
    String table = "public." + stream.replace('-', '_');
    StreamSqsIT.sql("create table " + table + " (id bigint, shard_key text, doubled bigint)");
    Map<Integer, Integer> perShardKey = new HashMap<>();
    try (KinesisClient kinesis =
        KinesisClient.builder()
            .endpointOverride(URI.create(endpoint))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      kinesis.createStream(b -> b.streamName(stream).shardCount(2));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  kinesis
                          .describeStreamSummary(b -> b.streamName(stream))
                          .streamDescriptionSummary()
                          .streamStatus()
                      == StreamStatus.ACTIVE);
      List<String> bodies = new ArrayList<>();
      for (int id = 1; id <= RECORDS; id++) {
        bodies.add("{\"id\": " + id + ", \"shard_key\": \"k" + (id % 97) + "\"}");
      }
      bodies.add(2000, BAD.get(0));
      bodies.add(4000, BAD.get(1));
      for (int from = 0; from < bodies.size(); from += 500) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < Math.min(bodies.size(), from + 500); i++) {
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey("k" + (i % 97))
                  .data(SdkBytes.fromUtf8String(bodies.get(i)))
                  .build());
        }
        var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
        assertThat(response.failedRecordCount()).isZero();
        response.records().forEach(r -> perShardKey.merge(r.shardId().hashCode(), 1, Integer::sum));
      }
    }
    assertThat(perShardKey).as("records spread over both shards").hasSize(2);

    String[] args = {
      "--source",
      "kinesis://" + stream,
      "--sql",
      "select id, shard_key, id * 2 as doubled from batch",
      "--target-table",
      table,
      "--stream-id",
      "it/" + stream,
      "--batch-max-records",
      "40",
      "--batch-max-wait",
      "1s"
    };
    for (int i = 0; i < KILLS; i++) {
      StreamWorkerProcess worker = start(endpoint, args);
      int batches = 1 + random.nextInt(3);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> worker.batchLines().size() >= batches || !worker.process.isAlive());
      assertThat(worker.process.isAlive()).as("worker %d: %s", i, worker.errors()).isTrue();
      Awaitility.await()
          .pollDelay(Duration.ofMillis(random.nextInt(300)))
          .atMost(Duration.ofSeconds(5))
          .until(() -> true);
      worker.kill();
    }
    try (Connection db = StreamSqsIT.connect();
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from " + table)) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows written before the last restart").isLessThan(RECORDS);
    }
    StreamWorkerProcess last = start(endpoint, StreamSqsIT.append(args, "--stop-when-idle", "4s"));
    assertThat(last.awaitExit(300)).as(last.errors()).isZero();

    try (Connection db = StreamSqsIT.connect();
        Statement st = db.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select count(*), count(distinct id), sum(id), sum(doubled),"
                    + " md5(string_agg(id::text, ',' order by id)) from "
                    + table)) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows").isEqualTo(RECORDS);
      assertThat(rs.getLong(2)).as("distinct ids").isEqualTo(RECORDS);
      assertThat(rs.getLong(3)).as("sum of ids").isEqualTo((long) RECORDS * (RECORDS + 1) / 2);
      assertThat(rs.getLong(4)).as("sum of doubled").isEqualTo((long) RECORDS * (RECORDS + 1));
      assertThat(rs.getString(5)).as("checksum of ids").isEqualTo(StreamSqsIT.md5OfIds(RECORDS));
    }
    try (Connection db = StreamSqsIT.connect();
        PreparedStatement ps =
            db.prepareStatement(
                "select body, reason from stevedore_stream_rejects where stream_id = ? order by"
                    + " body")) {
      ps.setString(1, "it/" + stream);
      List<String> rejects = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rejects.add(rs.getString(1) + " => " + rs.getString(2));
        }
      }
      assertThat(rejects).hasSize(2);
      assertThat(rejects.get(0)).startsWith("\"just a string\" => not a JSON object: STRING");
      assertThat(rejects.get(1)).startsWith(BAD.get(0) + " => not JSON: ");
    }
    try (Connection db = StreamSqsIT.connect();
        PreparedStatement ps =
            db.prepareStatement(
                "select count(*) from stevedore_stream_checkpoints where stream_id = ?")) {
      ps.setString(1, "it/" + stream);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("one checkpoint per shard").isEqualTo(2);
      }
    }
  }

  private StreamWorkerProcess start(String endpoint, String... args) throws Exception {
    StreamWorkerProcess p = StreamWorkerProcess.start(endpoint, Map.of(), args);
    started.add(p);
    return p;
  }
}
