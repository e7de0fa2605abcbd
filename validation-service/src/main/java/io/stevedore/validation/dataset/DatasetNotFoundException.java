package io.stevedore.validation.dataset;

/**
 * A dataset URI that names nothing: a bucket, object or prefix that does not exist, or a URI that
 * is not {@code s3://bucket/key}. Retrying does not help (unlike an S3 outage).
 */
public class DatasetNotFoundException extends RuntimeException {

  private final String uri;

  public DatasetNotFoundException(String uri, String message) {
    super(message);
    this.uri = uri;
  }

  /** The URI as given. */
  public String uri() {
    return uri;
  }
}
