package io.stevedore.worker.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The reader's side of the lake's publishing protocol. A data set at {@code s3://bucket/prefix/} is
 * the union of the files listed by its manifests ({@code prefix/_manifests/*.json}), leaving out
 * the manifests another manifest {@code replaces}. Files no current manifest lists are not part of
 * the data set (an unfinished or superseded load's); a reader that globs {@code **}{@code
 * /*.parquet} instead may see them until the next load of the same run and stage, or the next
 * overwrite, deletes them.
 */
public final class LakeManifests {

  static final String DIRECTORY = "_manifests/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LakeManifests() {}

  /** The current manifests of the data set at {@code uri} ({@code s3://bucket/prefix/}). */
  public static List<LakeManifest> current(S3Client s3, String uri) {
    S3Location location = S3Location.parse(uri);
    List<String> keys = new ArrayList<>();
    for (S3Object o :
        s3.listObjectsV2Paginator(
                ListObjectsV2Request.builder()
                    .bucket(location.bucket())
                    .prefix(location.prefix() + DIRECTORY)
                    .build())
            .contents()) {
      if (o.key().endsWith(".json")) {
        keys.add(o.key());
      }
    }
    List<LakeManifest> manifests = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    List<String> manifestKeys = new ArrayList<>();
    for (String key : keys) {
      LakeManifest m = read(s3, location.bucket(), key);
      if (m != null) {
        manifests.add(m);
        manifestKeys.add(key);
        replaced.addAll(m.replaces());
      }
    }
    List<LakeManifest> current = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      if (!replaced.contains(manifestKeys.get(i))) {
        current.add(manifests.get(i));
      }
    }
    return current;
  }

  /** The keys of the data set's files, as {@code s3://bucket/key} URIs. */
  public static List<String> visibleFiles(S3Client s3, String uri) {
    S3Location location = S3Location.parse(uri);
    return current(s3, uri).stream()
        .flatMap(m -> m.files().stream())
        .map(f -> "s3://" + location.bucket() + "/" + f.key())
        .toList();
  }

  /** A manifest, or null if it is gone (deleted by a concurrent overwrite). */
  static LakeManifest read(S3Client s3, String bucket, String key) {
    try {
      byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
      return JSON.readValue(bytes, LakeManifest.class);
    } catch (NoSuchKeyException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("manifest s3://" + bucket + "/" + key + " is not readable", e);
    }
  }

  static byte[] write(LakeManifest manifest) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
