package io.stevedore.worker.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.S3Resource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

@QuarkusTest
@QuarkusTestResource(LoadTestResource.class)
@QuarkusTestResource(S3Resource.class)
class LakeLoadTest {

  private static final String BUCKET = "lake-test";

  @Inject Loads loads;
  @Inject S3Client s3;

  private Connection duck;

  @BeforeAll
  static void bucket() {
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(java.net.URI.create(S3Resource.endpoint()))
            .forcePathStyle(true)
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        S3Resource.ACCESS_KEY, S3Resource.SECRET_KEY)))
            .build()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
        s3.createBucket(b -> b.bucket(BUCKET));
      }
    }
  }

  @BeforeEach
  void inputs() throws Exception {
    duck = Db.duckdb();
    Db.execute(
        duck,
        "CREATE VIEW flights AS SELECT *, date::DATE AS day FROM read_parquet('"
            + Db.flights()
            + "') WHERE date < '2001-01-04'");
  }

  @AfterEach
  void close() throws Exception {
    duck.close();
  }

  private static LoadTarget lake(String prefix, LoadTarget.Mode mode, List<String> partitionBy) {
    return new LoadTarget(
        LoadTarget.Kind.S3,
        null,
        "s3://" + BUCKET + "/" + prefix,
        mode,
        null,
        partitionBy,
        false,
        null);
  }

  private List<String> keys(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .sorted()
        .toList();
  }

  /** The documented reader: the files of the current manifests, read by DuckDB. */
  private List<String> read(String prefix, String query) throws Exception {
    List<String> files = LakeManifests.visibleFiles(s3, "s3://" + BUCKET + "/" + prefix);
    if (files.isEmpty()) {
      return List.of();
    }
    Path dir = Files.createTempDirectory("stevedore-lake-read-");
    for (String uri : files) {
      String key = uri.substring(("s3://" + BUCKET + "/").length());
      Path local = dir.resolve(key);
      Files.createDirectories(local.getParent());
      s3.getObject(b -> b.bucket(BUCKET).key(key), local);
    }
    try (Connection reader = Db.duckdb()) {
      Db.execute(
          reader,
          "CREATE VIEW lake AS SELECT * FROM read_parquet('"
              + dir.resolve(prefix)
              + "/"
              + "**/*.parquet', hive_partitioning = true)");
      return Db.rows(reader, query);
    } finally {
      Db.deleteRecursively(dir);
    }
  }

  private static final String PER_DAY =
      "SELECT day::VARCHAR, count(*), sum(delay), sum(distance), count(DISTINCT origin)"
          + " FROM %s GROUP BY ALL ORDER BY 1";

  @Test
  void publishesHivePartitionedParquetThroughAManifestWrittenLast() throws Exception {
    UUID run = UUID.randomUUID();

    LoadOutcome outcome =
        loads.load(
            duck,
            "flights",
            lake("published/", LoadTarget.Mode.APPEND, List.of("day")),
            Db.identity(run, "to-lake", 1));

    List<String> expected = Db.rows(duck, PER_DAY.formatted("flights"));
    assertThat(expected).hasSize(3);
    assertThat(read("published/", PER_DAY.formatted("lake"))).isEqualTo(expected);
    String stem = run + "-to-lake";
    assertThat(keys("published/"))
        .containsExactly(
            "published/_manifests/" + stem + ".json",
            "published/day=2001-01-01/part-" + stem + "-0.parquet",
            "published/day=2001-01-02/part-" + stem + "-0.parquet",
            "published/day=2001-01-03/part-" + stem + "-0.parquet");
    assertThat(outcome.rows()).isEqualTo(Db.count(duck, "SELECT count(*) FROM flights"));
    assertThat(outcome.locations())
        .first()
        .isEqualTo("s3://" + BUCKET + "/published/_manifests/" + stem + ".json");
    assertThat(outcome.locations()).hasSize(4);
    LakeManifest manifest =
        LakeManifests.read(s3, BUCKET, "published/_manifests/" + stem + ".json");
    assertThat(manifest.rows()).isEqualTo(outcome.rows());
    assertThat(manifest.bytes()).isEqualTo(outcome.bytes()).isPositive();
    assertThat(manifest.partitionBy()).containsExactly("day");
  }

  @Test
  void retriedLoadOfTheSameRunAndStageLeavesNoDuplicates() throws Exception {
    UUID run = UUID.randomUUID();
    LoadTarget target = lake("retried/", LoadTarget.Mode.APPEND, List.of("day"));

    LoadOutcome first = loads.load(duck, "flights", target, Db.identity(run, "to-lake", 1));
    List<String> afterFirst = keys("retried/");
    LoadOutcome retry = loads.load(duck, "flights", target, Db.identity(run, "to-lake", 2));

    assertThat(retry).isEqualTo(first);
    assertThat(keys("retried/")).isEqualTo(afterFirst);
    assertThat(read("retried/", PER_DAY.formatted("lake")))
        .isEqualTo(Db.rows(duck, PER_DAY.formatted("flights")));
  }

  @Test
  void loadInterruptedBeforeItsManifestIsInvisibleAndItsRetryRemovesItsFiles() throws Exception {
    LoadTarget target = lake("interrupted/", LoadTarget.Mode.APPEND, List.of("day"));
    Db.execute(duck, "CREATE VIEW earlier AS SELECT * FROM flights WHERE day = '2001-01-01'");
    loads.load(duck, "earlier", target, Db.identity(UUID.randomUUID(), "to-lake", 1));
    List<String> before = read("interrupted/", PER_DAY.formatted("lake"));
    UUID run = UUID.randomUUID();
    // A folder where the load's manifest goes: S3Proxy's filesystem store then refuses the
    // manifest, after every data file of the load is uploaded.
    String blocker = "interrupted/_manifests/" + run + "-to-lake.json/in-the-way";
    s3.putObject(b -> b.bucket(BUCKET).key(blocker), RequestBody.fromString("in the way"));

    assertThatThrownBy(() -> loads.load(duck, "flights", target, Db.identity(run, "to-lake", 1)))
        .isInstanceOf(LoadException.class)
        .hasMessageContaining("loading into s3://" + BUCKET + "/interrupted/ failed");
    assertThat(keys("interrupted/day=2001-01-03/"))
        .contains("interrupted/day=2001-01-03/part-" + run + "-to-lake-0.parquet");
    assertThat(read("interrupted/", PER_DAY.formatted("lake"))).isEqualTo(before);

    s3.deleteObject(b -> b.bucket(BUCKET).key(blocker));
    Db.execute(duck, "CREATE VIEW smaller AS SELECT * FROM flights WHERE day = '2001-01-02'");
    loads.load(duck, "smaller", target, Db.identity(run, "to-lake", 2));

    assertThat(read("interrupted/", PER_DAY.formatted("lake")))
        .isEqualTo(
            Db.rows(
                duck,
                PER_DAY.formatted("(FROM flights WHERE day IN ('2001-01-01', '2001-01-02'))")));
    assertThat(keys("interrupted/")).noneMatch(k -> k.startsWith("interrupted/day=2001-01-03/"));
  }

  @Test
  void overwriteReplacesEveryEarlierLoadAtOnce() throws Exception {
    LoadTarget append = lake("overwritten/", LoadTarget.Mode.APPEND, List.of("day", "origin"));
    Db.execute(duck, "CREATE VIEW a AS SELECT * FROM flights WHERE origin IN ('SEA', 'PDX')");
    Db.execute(duck, "CREATE VIEW b AS SELECT * FROM flights WHERE origin = 'BOS'");
    Db.execute(duck, "CREATE VIEW c AS SELECT * FROM flights WHERE origin = 'DEN'");
    loads.load(duck, "a", append, Db.identity(UUID.randomUUID(), "to-lake", 1));
    loads.load(duck, "b", append, Db.identity(UUID.randomUUID(), "to-lake", 1));
    assertThat(read("overwritten/", PER_DAY.formatted("lake")))
        .isEqualTo(Db.rows(duck, PER_DAY.formatted("(FROM a UNION ALL FROM b)")));
    UUID run = UUID.randomUUID();

    loads.load(
        duck,
        "c",
        lake("overwritten/", LoadTarget.Mode.OVERWRITE, List.of("day", "origin")),
        Db.identity(run, "to-lake", 1));

    assertThat(read("overwritten/", PER_DAY.formatted("lake")))
        .isEqualTo(Db.rows(duck, PER_DAY.formatted("c")));
    assertThat(keys("overwritten/"))
        .isNotEmpty()
        .allMatch(k -> k.contains(run.toString()))
        .anyMatch(k -> k.startsWith("overwritten/day=2001-01-02/origin=DEN/"));
    assertThat(LakeManifests.current(s3, "s3://" + BUCKET + "/overwritten/"))
        .singleElement()
        .satisfies(m -> assertThat(m.replaces()).hasSize(2));
  }

  @Test
  void mergeAndUnknownPartitionColumnsAreRefused() {
    assertThatThrownBy(
            () ->
                loads.load(
                    duck,
                    "flights",
                    lake("refused/", LoadTarget.Mode.MERGE, List.of()),
                    Db.identity(UUID.randomUUID(), "to-lake", 1)))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessage("an s3 load appends or overwrites; merge needs a postgres target");
    assertThatThrownBy(
            () ->
                loads.load(
                    duck,
                    "flights",
                    lake("refused/", LoadTarget.Mode.APPEND, List.of("state")),
                    Db.identity(UUID.randomUUID(), "to-lake", 1)))
        .isInstanceOf(LoadException.class)
        .hasMessage(
            "partition column 'state' is not a column of the input; its columns are [date, delay,"
                + " distance, origin, destination, day]");
  }
}
