package io.stevedore.worker.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Loads a DuckDB relation into the lake: DuckDB writes Hive-partitioned Parquet to a local
 * directory, the files are uploaded under their final keys with names fixed by run and stage
 * ({@code part-<run>-<stage>-<n>.parquet}), and the load is published by its manifest, written
 * last. Then files of earlier unfinished attempts of the same run and stage (and, for an overwrite,
 * every file and manifest the new manifest replaces) are deleted.
 */
final class LakeLoader {

  private static final Logger LOG = Logger.getLogger(LakeLoader.class);

  private final S3Client s3;

  LakeLoader(S3Client s3) {
    this.s3 = s3;
  }

  LoadOutcome load(Connection duckdb, String relation, LoadTarget target, LoadIdentity id)
      throws SQLException, IOException {
    if (target.mode() == LoadTarget.Mode.MERGE) {
      throw new InvalidTargetException(
          "an s3 load appends or overwrites; merge needs a postgres target");
    }
    if (s3 == null) {
      throw new LoadException("this worker has no S3 client configured");
    }
    S3Location location = S3Location.parse(target.uri());
    List<InputColumn> input = InputColumn.of(duckdb, relation);
    InputColumn.requireAll(input, target.partitionBy(), "partition");
    if (target.partitionBy().size() == input.size()) {
      throw new LoadException(
          "an s3 load cannot partition by every column " + target.partitionBy());
    }
    String stem = "part-" + id.fileStem() + "-";
    String manifestKey = location.prefix() + LakeManifests.DIRECTORY + id.fileStem() + ".json";
    LakeManifest published = LakeManifests.read(s3, location.bucket(), manifestKey);
    if (published != null) {
      LOG.infof(
          "run %s stage %s already published %s; this attempt writes nothing",
          id.runId(), id.stageId(), location.uri(manifestKey));
      return outcome(location, manifestKey, published);
    }
    Path dir = Files.createTempDirectory("stevedore-lake-");
    try {
      Path out = dir.resolve("out");
      long rows = writeParquet(duckdb, relation, input, target.partitionBy(), stem, out);
      List<LakeManifest.DataFile> files = upload(location, out);
      List<String> replaces =
          target.mode() == LoadTarget.Mode.OVERWRITE
              ? keys(location.bucket(), location.prefix() + LakeManifests.DIRECTORY).stream()
                  .filter(k -> k.endsWith(".json") && !k.equals(manifestKey))
                  .toList()
              : List.of();
      LakeManifest manifest =
          new LakeManifest(
              LakeManifest.FORMAT,
              id.runId().toString(),
              id.stageId(),
              id.stageRunId() == null ? null : id.stageRunId().toString(),
              id.attempt(),
              target.mode().toString(),
              target.partitionBy(),
              rows,
              files.stream().mapToLong(LakeManifest.DataFile::bytes).sum(),
              files,
              replaces);
      s3.putObject(
          b -> b.bucket(location.bucket()).key(manifestKey).contentType("application/json"),
          RequestBody.fromBytes(LakeManifests.write(manifest)));
      LOG.infof(
          "published %d rows in %d files at %s", rows, files.size(), location.uri(manifestKey));
      cleanUp(location, manifestKey, manifest, stem);
      return outcome(location, manifestKey, manifest);
    } finally {
      deleteRecursively(dir);
    }
  }

  private static LoadOutcome outcome(S3Location location, String manifestKey, LakeManifest m) {
    List<String> locations = new ArrayList<>();
    locations.add(location.uri(manifestKey));
    m.files().forEach(f -> locations.add(location.uri(f.key())));
    return new LoadOutcome(m.rows(), m.bytes(), locations);
  }

  /** Writes the relation as Parquet under {@code out}; returns the rows written. */
  private static long writeParquet(
      Connection duckdb,
      String relation,
      List<InputColumn> input,
      List<String> partitionBy,
      String stem,
      Path out)
      throws SQLException, IOException {
    String options;
    String destination;
    if (partitionBy.isEmpty()) {
      Files.createDirectories(out);
      destination = out.resolve(stem + "0.parquet").toString();
      options = "FORMAT parquet";
    } else {
      destination = out.toString();
      options =
          "FORMAT parquet, PARTITION_BY ("
              + partitionBy.stream().map(TableName::quote).collect(Collectors.joining(", "))
              + "), FILENAME_PATTERN '"
              + stem.replace("'", "''")
              + "{i}'";
    }
    try (Statement s = duckdb.createStatement()) {
      String sql =
          "COPY (SELECT * FROM "
              + TableName.quote(relation)
              + ") TO '"
              + destination.replace("'", "''")
              + "' ("
              + options
              + ")";
      if (s.execute(sql)) {
        try (ResultSet rs = s.getResultSet()) {
          return rs.next() ? rs.getLong(1) : 0;
        }
      }
      return Math.max(0, s.getUpdateCount());
    }
  }

  private List<LakeManifest.DataFile> upload(S3Location location, Path out) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
      paths = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<LakeManifest.DataFile> files = new ArrayList<>();
    for (Path p : paths) {
      String relative = out.relativize(p).toString().replace('\\', '/');
      String key = location.prefix() + relative;
      long size = Files.size(p);
      s3.putObject(b -> b.bucket(location.bucket()).key(key), RequestBody.fromFile(p));
      files.add(new LakeManifest.DataFile(key, size));
    }
    return files;
  }

  /**
   * After the commit: deletes what readers no longer need: the files of earlier attempts of this
   * run and stage that the manifest does not list, and (overwrite) the replaced manifests and their
   * files. Objects no manifest knows (another load's, not yet published) are left alone. A failure
   * here is logged, not thrown: the load is published, and the next load of the same run and stage
   * (or an overwrite) retries the clean-up.
   */
  private void cleanUp(
      S3Location location, String manifestKey, LakeManifest manifest, String stem) {
    try {
      Set<String> keep = new HashSet<>();
      keep.add(manifestKey);
      manifest.files().forEach(f -> keep.add(f.key()));
      Set<String> candidates = new HashSet<>();
      for (String replaced : manifest.replaces()) {
        LakeManifest old = LakeManifests.read(s3, location.bucket(), replaced);
        if (old != null) {
          old.files().forEach(f -> candidates.add(f.key()));
        }
        candidates.add(replaced);
      }
      for (String key : keys(location.bucket(), location.prefix())) {
        if (key.substring(key.lastIndexOf('/') + 1).startsWith(stem)) {
          candidates.add(key);
        }
      }
      candidates.removeAll(keep);
      List<String> stale = candidates.stream().sorted().toList();
      for (int i = 0; i < stale.size(); i += 1000) {
        List<ObjectIdentifier> batch =
            stale.subList(i, Math.min(stale.size(), i + 1000)).stream()
                .map(k -> ObjectIdentifier.builder().key(k).build())
                .toList();
        s3.deleteObjects(
            b -> b.bucket(location.bucket()).delete(Delete.builder().objects(batch).build()));
      }
      if (!stale.isEmpty()) {
        LOG.infof("deleted %d files no manifest lists under %s", stale.size(), location.uri(""));
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "the load is published, but deleting unlisted files under %s failed: %s",
          location.uri(location.prefix()), e.getMessage());
    }
  }

  private List<String> keys(String bucket, String prefix) {
    try {
      return s3
          .listObjectsV2Paginator(
              ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
          .contents()
          .stream()
          .map(S3Object::key)
          .toList();
    } catch (NoSuchKeyException e) {
      return List.of();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
