package io.stevedore.worker.load;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The commit object of one lake load, {@code <prefix>/_manifests/<run>-<stage>.json}, written after
 * every data file it lists: a load is visible exactly when its manifest exists. See {@link
 * LakeManifests} for how readers use it.
 *
 * @param format {@value #FORMAT}
 * @param runId the run that loaded
 * @param stageId the stage that loaded
 * @param stageRunId the stage run
 * @param attempt the attempt that published
 * @param mode {@code append} or {@code overwrite}
 * @param partitionBy the Hive partition columns
 * @param rows the rows in the files
 * @param bytes the bytes of the files
 * @param files the data files, keys in the bucket
 * @param replaces the manifests (keys) this one supersedes: for an overwrite, every manifest there
 *     was when it was written
 */
@RegisterForReflection
public record LakeManifest(
    String format,
    String runId,
    String stageId,
    String stageRunId,
    int attempt,
    String mode,
    List<String> partitionBy,
    long rows,
    long bytes,
    List<DataFile> files,
    List<String> replaces) {

  public static final String FORMAT = "stevedore-lake-manifest/1";

  public LakeManifest {
    partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
    files = files == null ? List.of() : List.copyOf(files);
    replaces = replaces == null ? List.of() : List.copyOf(replaces);
  }

  /**
   * One Parquet file of a load.
   *
   * @param key the object key in the bucket
   * @param bytes its size
   */
  @RegisterForReflection
  public record DataFile(String key, long bytes) {}
}
