package io.stevedore.validation.api.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.validation.config.ValidationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Reads the full report of a result (the JSON document the service wrote to the reports bucket),
 * which holds what the database does not: the samples of failing rows, and the corrections made.
 * Only objects of the reports bucket are read.
 */
@ApplicationScoped
public class DashboardReports {

  private static final Logger LOG = Logger.getLogger(DashboardReports.class);

  /**
   * A report, or why there is none to show.
   *
   * @param document the report document, or null
   * @param problem for people, when {@code document} is null
   */
  public record Lookup(JsonNode document, String problem) {
    static Lookup missing(String problem) {
      return new Lookup(null, problem);
    }
  }

  private final S3Client s3;
  private final ObjectMapper mapper;
  private final ValidationConfig validation;
  private final DashboardConfig config;

  DashboardReports(
      S3Client s3, ObjectMapper mapper, ValidationConfig validation, DashboardConfig config) {
    this.s3 = s3;
    this.mapper = mapper;
    this.validation = validation;
    this.config = config;
  }

  /** The report at {@code uri}, which must be an object of the reports bucket. */
  public Lookup read(String uri) {
    if (uri == null || uri.isBlank()) {
      return Lookup.missing("This result has no report (the validation could not run).");
    }
    String prefix = "s3://" + validation.reportBucket() + "/";
    if (!uri.startsWith(prefix) || uri.length() == prefix.length()) {
      return Lookup.missing("The report is not in the reports bucket, so it is not shown.");
    }
    String key = uri.substring(prefix.length());
    try (InputStream in = s3.getObject(r -> r.bucket(validation.reportBucket()).key(key))) {
      byte[] bytes =
          in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxReportBytes() + 1));
      if (bytes.length > config.maxReportBytes()) {
        return Lookup.missing(
            "The report is larger than "
                + config.maxReportBytes()
                + " bytes, so its samples are not shown here; read it at "
                + uri
                + ".");
      }
      return new Lookup(mapper.readTree(bytes), null);
    } catch (NoSuchKeyException e) {
      return Lookup.missing("The report " + uri + " no longer exists.");
    } catch (SdkException | IOException e) {
      LOG.warnf("could not read report %s: %s", uri, e.getMessage());
      return Lookup.missing("The report " + uri + " could not be read just now; try again later.");
    }
  }
}
