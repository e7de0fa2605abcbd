package io.stevedore.validation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.http.ApiException;
import io.stevedore.validation.config.ValidationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Writes full validation reports (JSON) to the reports bucket, and the files of corrections
 * (corrected datasets, quarantined rows) where they go.
 */
@ApplicationScoped
public class ReportStore {

  private final S3Client s3;
  private final ValidationConfig config;
  private final ObjectMapper mapper;

  ReportStore(S3Client s3, ValidationConfig config, ObjectMapper mapper) {
    this.s3 = s3;
    this.config = config;
    this.mapper = mapper;
  }

  /**
   * Writes {@code report} as JSON under {@code key} in the reports bucket (replacing what was
   * there, so a redelivered request writes the same object).
   *
   * @return the report's URI, {@code s3://<bucket>/<key>}
   */
  public String write(String key, Object report) {
    return write(config.reportBucket(), key, report);
  }

  /** As {@link #write(String, Object)}, to any bucket (the one-shot task's {@code --report}). */
  public String write(String bucket, String key, Object report) {
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write report " + key + " as JSON", e);
    }
    try {
      s3.putObject(
          r -> r.bucket(bucket).key(key).contentType("application/json"),
          RequestBody.fromBytes(json));
    } catch (NoSuchBucketException e) {
      throw missingBucket(bucket);
    }
    return "s3://" + bucket + "/" + key;
  }

  /**
   * Uploads a local file to {@code s3://<bucket>/<key>}.
   *
   * @return its URI
   * @throws NoSuchBucketException when the bucket does not exist
   */
  public String putFile(String bucket, String key, Path file) {
    s3.putObject(
        r -> r.bucket(bucket).key(key).contentType("application/vnd.apache.parquet"),
        RequestBody.fromFile(file));
    return "s3://" + bucket + "/" + key;
  }

  /** A bucket the deployment should have created: 503, retryable once it exists. */
  public static ApiException missingBucket(String bucket) {
    return ApiException.unavailable(
        "bucket '" + bucket + "' does not exist; the deployment must create it");
  }
}
