package io.stevedore.validation;

import static io.restassured.RestAssured.given;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.stevedore.common.auth.ApiKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * Teams and keys (created directly with {@link ApiKeys}: the admin API is served by the scheduler),
 * data in S3, the shared real data sets and suites from test resources.
 */
public final class Fixtures {

  /** The bucket tests put datasets in. */
  public static final String DATA_BUCKET = "validation-test-data";

  /** The reports bucket (the service's default). */
  public static final String REPORT_BUCKET = "stevedore-reports";

  /** The quarantine bucket (the service's default). */
  public static final String QUARANTINE_BUCKET = "stevedore-quarantine";

  /** The stages bucket, default home of corrected datasets (the service's default). */
  public static final String STAGES_BUCKET = "stevedore-stages";

  static final RestAssuredConfig YAML_AS_TEXT =
      RestAssuredConfig.config()
          .encoderConfig(
              EncoderConfig.encoderConfig()
                  .encodeContentTypeAs("application/yaml", ContentType.TEXT)
                  .encodeContentTypeAs("text/yaml", ContentType.TEXT));

  /** A team with its API key. */
  public record Team(UUID id, String name, String key) {
    public RequestSpecification as() {
      return given().config(YAML_AS_TEXT).header("Authorization", "Bearer " + key);
    }

    /** Saves a suite from test resources; returns the response's status. */
    public int saveSuite(String resource) {
      return as().contentType("application/yaml")
          .body(suiteText(resource))
          .post("/api/v1/suites")
          .statusCode();
    }
  }

  private Fixtures() {}

  public static Team team(ApiKeys keys, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    UUID id = keys.createTeam(name).id();
    return new Team(id, name, keys.createKey(name, "test").key());
  }

  /** Creates the data, reports, quarantine and stages buckets unless they exist. */
  public static void buckets(S3Client s3) {
    for (String bucket :
        new String[] {DATA_BUCKET, REPORT_BUCKET, QUARANTINE_BUCKET, STAGES_BUCKET}) {
      try {
        s3.createBucket(r -> r.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
        // created by an earlier test
      }
    }
  }

  /** Uploads a file; returns its {@code s3://} URI. */
  public static String upload(S3Client s3, String key, Path file) {
    s3.putObject(r -> r.bucket(DATA_BUCKET).key(key), RequestBody.fromFile(file));
    return "s3://" + DATA_BUCKET + "/" + key;
  }

  /** Uploads text; returns its {@code s3://} URI. */
  public static String upload(S3Client s3, String key, String text) {
    s3.putObject(
        r -> r.bucket(DATA_BUCKET).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
    return "s3://" + DATA_BUCKET + "/" + key;
  }

  /** Downloads {@code s3://bucket/key} to a file in {@code dir}. */
  public static Path download(S3Client s3, String uri, Path dir) {
    String rest = uri.substring("s3://".length());
    String bucket = rest.substring(0, rest.indexOf('/'));
    String key = rest.substring(rest.indexOf('/') + 1);
    Path file = dir.resolve(UUID.randomUUID() + "-" + key.substring(key.lastIndexOf('/') + 1));
    s3.getObject(r -> r.bucket(bucket).key(key), file);
    return file;
  }

  /** Runs a query on a fresh in-memory DuckDB and returns the first column of each row as text. */
  public static java.util.List<String> duck(String sql) {
    try (java.sql.Connection c =
            new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      java.util.List<String> rows = new java.util.ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return rows;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file of the shared real data sets ({@link io.stevedore.testing.SharedData}). */
  public static Path data(String name) {
    return io.stevedore.testing.SharedData.file(name);
  }

  /** A suite from {@code src/test/resources/suites/}, as text. */
  public static String suiteText(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/suites/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no suite resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
