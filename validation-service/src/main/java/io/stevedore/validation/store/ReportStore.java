package io.stevedore.validation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.validation.config.ValidationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Writes full validation reports (JSON) to the reports bucket. */
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
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write report " + key + " as JSON", e);
    }
    String bucket = config.reportBucket();
    s3.putObject(
        r -> r.bucket(bucket).key(key).contentType("application/json"),
        RequestBody.fromBytes(json));
    return "s3://" + bucket + "/" + key;
  }
}
