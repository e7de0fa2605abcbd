package io.stevedore.worker.storage;

import io.stevedore.worker.stage.InvalidStageException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * An {@code s3://bucket/key} location: an object, or a prefix when the key is empty or ends with
 * {@code /}.
 */
public record S3Location(String bucket, String key) {

  /** Parses {@code s3://bucket/key}; {@code what} names the value in the error. */
  public static S3Location parse(String uri, String what) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new InvalidStageException(what + " '" + uri + "' is not an s3://bucket/key location");
    }
    if (!"s3".equals(parsed.getScheme()) || parsed.getHost() == null) {
      throw new InvalidStageException(what + " '" + uri + "' is not an s3://bucket/key location");
    }
    String path = parsed.getPath() == null ? "" : parsed.getPath();
    return new S3Location(parsed.getHost(), path.startsWith("/") ? path.substring(1) : path);
  }

  /** The same location as a prefix (with a trailing {@code /}, or the whole bucket). */
  public S3Location asPrefix() {
    return key.isEmpty() || key.endsWith("/") ? this : new S3Location(bucket, key + "/");
  }

  /** An object under this prefix. */
  public S3Location resolve(String name) {
    return new S3Location(bucket, asPrefix().key + name);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
