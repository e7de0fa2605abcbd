package io.stevedore.validation.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Copies a dataset from S3 to a local temporary directory, where the engine reads it (DuckDB's
 * httpfs is not available offline, and a local copy is read at disk speed by every scan).
 *
 * <p>{@code s3://bucket/key} names one object; {@code s3://bucket/prefix/} (ending in a slash)
 * names every object under the prefix, the parts of one dataset. A key without a slash that is not
 * an object but a prefix is read as the prefix. Object names starting with {@code _} or {@code .}
 * (markers such as {@code _SUCCESS}) are not copied.
 */
@ApplicationScoped
public class S3Datasets {

  private static final Logger LOG = Logger.getLogger(S3Datasets.class);

  /** A local copy of a dataset; closing it deletes the copy. */
  public record LocalCopy(String uri, Path path, Path directory, int objects, long bytes)
      implements AutoCloseable {
    @Override
    public void close() {
      deleteTree(directory);
    }
  }

  /** A parsed {@code s3://bucket/key} URI. */
  public record S3Uri(String bucket, String key) {

    /**
     * @throws DatasetNotFoundException when the URI is not {@code s3://bucket[/key]}
     */
    public static S3Uri parse(String uri) {
      if (uri == null || !uri.startsWith("s3://")) {
        throw new DatasetNotFoundException(
            uri, "dataset URI '" + uri + "' is not of the form s3://bucket/key");
      }
      String rest = uri.substring("s3://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String key = slash < 0 ? "" : rest.substring(slash + 1);
      if (bucket.isEmpty()) {
        throw new DatasetNotFoundException(uri, "dataset URI '" + uri + "' names no bucket");
      }
      return new S3Uri(bucket, key);
    }

    public boolean isPrefix() {
      return key.isEmpty() || key.endsWith("/");
    }

    @Override
    public String toString() {
      return "s3://" + bucket + "/" + key;
    }
  }

  private final S3Client s3;

  S3Datasets(S3Client s3) {
    this.s3 = s3;
  }

  /**
   * Copies the object or the objects under the prefix that {@code uri} names.
   *
   * @return the copy: {@code path} is the file for one object, else the directory of the parts
   * @throws DatasetNotFoundException when the bucket, object or prefix does not exist or is empty
   */
  public LocalCopy fetch(String uri) {
    S3Uri s3Uri = S3Uri.parse(uri);
    Path dir = tempDir();
    try {
      LocalCopy copy =
          s3Uri.isPrefix() ? fetchPrefix(uri, s3Uri, dir) : fetchObject(uri, s3Uri, dir);
      LOG.debugf("copied %s: %d objects, %d bytes", uri, copy.objects(), copy.bytes());
      return copy;
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  private LocalCopy fetchObject(String uri, S3Uri s3Uri, Path dir) {
    String name = s3Uri.key().substring(s3Uri.key().lastIndexOf('/') + 1);
    Path file = dir.resolve(safe(name));
    try {
      s3.getObject(r -> r.bucket(s3Uri.bucket()).key(s3Uri.key()), file);
      return new LocalCopy(uri, file, dir, 1, size(file));
    } catch (NoSuchKeyException e) {
      // maybe a prefix written without its trailing slash
      S3Uri prefix = new S3Uri(s3Uri.bucket(), s3Uri.key() + "/");
      if (!list(prefix).isEmpty()) {
        return fetchPrefix(uri, prefix, dir);
      }
      throw new DatasetNotFoundException(
          uri, "dataset object " + s3Uri + " does not exist (no object or prefix of that name)");
    } catch (NoSuchBucketException e) {
      throw noBucket(uri, s3Uri);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new DatasetNotFoundException(uri, "dataset object " + s3Uri + " does not exist");
      }
      throw e;
    }
  }

  private LocalCopy fetchPrefix(String uri, S3Uri s3Uri, Path dir) {
    List<S3Object> objects = list(s3Uri);
    if (objects.isEmpty()) {
      throw new DatasetNotFoundException(
          uri, "dataset prefix " + s3Uri + " holds no objects (besides markers such as _SUCCESS)");
    }
    long bytes = 0;
    for (S3Object o : objects) {
      String relative = o.key().substring(s3Uri.key().length());
      Path file = dir.resolve(safe(relative.replace('/', '_')));
      s3.getObject(r -> r.bucket(s3Uri.bucket()).key(o.key()), file);
      bytes += size(file);
    }
    return new LocalCopy(uri, dir, dir, objects.size(), bytes);
  }

  /** The data objects under a prefix: not directory markers, not {@code _} or {@code .} files. */
  private List<S3Object> list(S3Uri prefix) {
    List<S3Object> objects = new ArrayList<>();
    try {
      s3.listObjectsV2Paginator(r -> r.bucket(prefix.bucket()).prefix(prefix.key()))
          .contents()
          .forEach(
              o -> {
                String name = o.key().substring(o.key().lastIndexOf('/') + 1);
                if (!name.isEmpty() && !name.startsWith("_") && !name.startsWith(".")) {
                  objects.add(o);
                }
              });
    } catch (NoSuchBucketException e) {
      throw noBucket(prefix.toString(), prefix);
    }
    return objects;
  }

  private static DatasetNotFoundException noBucket(String uri, S3Uri s3Uri) {
    return new DatasetNotFoundException(
        uri, "bucket '" + s3Uri.bucket() + "' of dataset " + uri + " does not exist");
  }

  private static String safe(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9._=-]", "_");
    return cleaned.isEmpty() || cleaned.startsWith(".") ? "data" + cleaned : cleaned;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("stevedore-dataset-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory", e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(S3Datasets::deleteQuietly);
    } catch (IOException e) {
      LOG.warnf("could not delete %s: %s", dir, e.getMessage());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warnf("could not delete %s: %s", p, e.getMessage());
    }
  }
}
