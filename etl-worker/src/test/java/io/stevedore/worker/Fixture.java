package io.stevedore.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What the worker ITs share: the buckets in S3Proxy, a stage's environment, and plain DuckDB in the
 * test JVM to compute expectations independently of the worker.
 */
final class Fixture {

  static final String RAW = "raw";
  static final String STAGES = "stevedore-stages";
  static final ObjectMapper JSON = new ObjectMapper();

  final S3Client s3 = WorkerProcess.s3();
  final UUID runId = UUID.randomUUID();

  Fixture() {
    for (String bucket : List.of(RAW, STAGES)) {
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException e) {
        // created by an earlier test of this JVM
      } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
        if (e.statusCode() != 409) {
          throw e;
        }
      }
    }
  }

  /** The environment of an attempt of {@code stage} (a JSON object) in this fixture's run. */
  Map<String, String> stageEnv(ObjectNode stage, UUID stageRunId) {
    Map<String, String> env = new HashMap<>();
    env.put("STEVEDORE_STAGE_SPEC", stage.toString());
    env.put("STEVEDORE_PARAMS", "{\"state\":\"CA\",\"min_delay\":\"15\"}");
    env.put("STEVEDORE_RUN_ID", runId.toString());
    env.put("STEVEDORE_STAGE_ID", stage.get("id").asText());
    env.put("STEVEDORE_STAGE_RUN_ID", stageRunId.toString());
    env.put("STEVEDORE_ATTEMPT", "1");
    env.put("STEVEDORE_PIPELINE", "flights-daily");
    env.put("STEVEDORE_TEAM", "analytics");
    env.put("STEVEDORE_LOGICAL_DATE", "2001-01-05");
    env.put("STEVEDORE_LOGICAL_TIME", "2001-01-05T00:00:00Z");
    env.put("STEVEDORE_INPUTS", "{}");
    env.put("STEVEDORE_HEARTBEAT_INTERVAL", "1");
    return env;
  }

  /** {@code {"id": id, "type": type}} to add to. */
  static ObjectNode stage(String id, String type) {
    ObjectNode stage = JSON.createObjectNode();
    stage.put("id", id);
    stage.put("type", type);
    return stage;
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The prefix {@code runs/<run>/<stage>/} of the stages bucket. */
  String outputPrefix(String stageId) {
    return "runs/" + runId + "/" + stageId + "/";
  }

  /** The keys under a prefix. */
  List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      keys.add(o.key());
    }
    return keys;
  }

  void put(String bucket, String key, Path file) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
  }

  void put(String bucket, String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  /** Downloads an object to a local file. */
  Path get(String bucket, String key, Path dir) {
    Path file = dir.resolve(UUID.randomUUID() + "-" + key.substring(key.lastIndexOf('/') + 1));
    s3.getObject(b -> b.bucket(bucket).key(key), file);
    return file;
  }

  /** Runs a query in a fresh in-memory DuckDB and returns its rows as lists of strings. */
  static List<List<String>> duckdb(String... statements) {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (int i = 0; i < statements.length - 1; i++) {
        s.execute(statements[i]);
      }
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(statements[statements.length - 1])) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** A single number from DuckDB. */
  static long duckdbLong(String... statements) {
    return Long.parseLong(duckdb(statements).get(0).get(0));
  }

  static String path(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
