package io.stevedore.worker.storage;

import io.stevedore.worker.stage.StageFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Stage inputs and outputs in S3, through the AWS SDK (DuckDB's httpfs is not available offline):
 * inputs are downloaded to local files that DuckDB reads; an output file is uploaded under a
 * deterministic name, and what older attempts left under the same prefix is deleted.
 */
@ApplicationScoped
public class S3Storage {

  private final S3Client s3;

  S3Storage(S3Client s3) {
    this.s3 = s3;
  }

  /** A downloaded object: where it came from and where it is now. */
  public record Downloaded(S3Location source, Path file, long bytes) {}

  /**
   * Downloads an input into {@code dir}: the object at {@code location}, or every object under it
   * as a prefix, skipping names that start with {@code _} or {@code .} ({@code _SUCCESS}, {@code
   * .crc} files). Fails when there is nothing to read or an object is empty.
   */
  public List<Downloaded> download(S3Location location, Path dir) {
    List<S3Location> objects = objectsAt(location);
    if (objects.isEmpty()) {
      throw new StageFailedException(
          "input " + location + " is empty: there is no object there and none under it");
    }
    List<Downloaded> files = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (S3Location object : objects) {
        String name = object.key().substring(object.key().lastIndexOf('/') + 1);
        Path file =
            dir.resolve(
                String.format(
                    Locale.ROOT, "%05d-%s", files.size(), name.replaceAll("[^A-Za-z0-9._-]", "_")));
        s3.getObject(b -> b.bucket(object.bucket()).key(object.key()), file);
        long bytes = Files.size(file);
        if (bytes == 0) {
          throw new StageFailedException("input " + object + " is empty (0 bytes)");
        }
        files.add(new Downloaded(object, file, bytes));
      }
    } catch (IOException e) {
      throw new StageFailedException(
          "cannot store a download in " + dir + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new StageFailedException("cannot read input " + location + ": " + e.getMessage(), e);
    }
    return files;
  }

  /**
   * Uploads {@code file} as {@code prefix/name}; with {@code sole}, then deletes every other object
   * under {@code prefix} (left by an older attempt), so the prefix holds this attempt's output
   * only.
   */
  public void publish(Path file, S3Location prefix, String name, boolean sole) {
    S3Location target = prefix.resolve(name);
    try {
      s3.putObject(b -> b.bucket(target.bucket()).key(target.key()), RequestBody.fromFile(file));
      if (!sole) {
        return;
      }
      List<ObjectIdentifier> stale = new ArrayList<>();
      for (S3Object o : list(prefix.asPrefix())) {
        if (!o.key().equals(target.key())) {
          stale.add(ObjectIdentifier.builder().key(o.key()).build());
        }
      }
      for (int i = 0; i < stale.size(); i += 1000) {
        List<ObjectIdentifier> batch = stale.subList(i, Math.min(stale.size(), i + 1000));
        s3.deleteObjects(
            b -> b.bucket(prefix.bucket()).delete(Delete.builder().objects(batch).build()));
      }
    } catch (SdkException e) {
      throw new StageFailedException("cannot write output " + target + ": " + e.getMessage(), e);
    }
  }

  private List<S3Location> objectsAt(S3Location location) {
    try {
      List<S3Location> found = new ArrayList<>();
      if (!location.key().isEmpty() && !location.key().endsWith("/")) {
        for (S3Object o : list(location)) {
          if (o.key().equals(location.key())) {
            return List.of(location);
          }
        }
      }
      S3Location prefix = location.asPrefix();
      for (S3Object o : list(prefix)) {
        String relative = o.key().substring(prefix.key().length());
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        found.add(new S3Location(prefix.bucket(), o.key()));
      }
      return found;
    } catch (NoSuchBucketException e) {
      throw new StageFailedException(
          "cannot read input " + location + ": bucket '" + location.bucket() + "' does not exist");
    } catch (SdkException e) {
      throw new StageFailedException("cannot list input " + location + ": " + e.getMessage(), e);
    }
  }

  private List<S3Object> list(S3Location prefix) {
    List<S3Object> objects = new ArrayList<>();
    s3.listObjectsV2Paginator(b -> b.bucket(prefix.bucket()).prefix(prefix.key()))
        .contents()
        .forEach(objects::add);
    return objects;
  }
}
