package io.stevedore.validation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/** Settings of the validation service (prefix {@code stevedore.validation}). */
@ConfigMapping(prefix = "stevedore.validation")
public interface ValidationConfig {

  /**
   * The S3 bucket that receives the rows a stage with {@code onFail: quarantine} set aside, under
   * {@code <run-id>/<stage-id>/<attempt>/}.
   */
  @WithDefault("stevedore-quarantine")
  String quarantineBucket();

  /**
   * The S3 bucket that receives validation reports (JSON): {@code
   * <run-id>/<stage-id>/<attempt>/<suite>.json} for validate stages, {@code
   * adhoc/<team-id>/<dataset>/<result-id>.json} for ad-hoc validations.
   */
  @WithDefault("stevedore-reports")
  String reportBucket();

  /**
   * The S3 bucket that receives corrected datasets when a request asks for a correction without
   * naming where: {@code <run-id>/<stage-id>/<attempt>/corrected/<dataset>.parquet} for validate
   * stages, {@code adhoc/<team-id>/<dataset>/<result-id>/<dataset>.parquet} for ad-hoc validations.
   */
  @WithDefault("stevedore-stages")
  String stagesBucket();

  /**
   * Raise an {@code Alert} (kind {@code VALIDATION_FAILED}) on the alerts queue for every stored
   * result whose verdict is fail, in the same transaction as the result.
   */
  @WithDefault("true")
  boolean alertOnFail();

  /**
   * Postgres databases whose tables can be validated as {@code postgres://<name>/<schema>.<table>}:
   * {@code stevedore.validation.postgres.<name>.jdbc-url}, {@code .username}, {@code .password}.
   * Give the password as an environment variable ({@code
   * STEVEDORE_VALIDATION_POSTGRES__NAME__PASSWORD}), never in a committed file.
   */
  Map<String, PostgresSource> postgres();

  /** One Postgres database that datasets may be read from. */
  interface PostgresSource {

    /** JDBC URL, such as {@code jdbc:postgresql://db.internal:5432/sales}. */
    String jdbcUrl();

    /** The user (read-only access to the tables is enough). */
    String username();

    /** The password; never logged. */
    Optional<String> password();

    /** Rows fetched per round trip while copying a table. */
    @WithDefault("10000")
    int fetchSize();
  }

  /**
   * How many failing rows a report keeps as examples for each failed check; the counts are always
   * complete.
   */
  @WithDefault("20")
  int failedRowSamples();

  /** The consumer of validation requests. */
  Consumer consumer();

  /** The consumer of validation requests. */
  interface Consumer {

    /**
     * Consume the validation-requests queue. The one-shot task turns it off; a deployment that
     * serves only HTTP may too.
     */
    @WithDefault("true")
    boolean enabled();
  }

  /** Anomaly detection against the dataset's history. */
  History history();

  /** Settings of the row-count anomaly check. */
  interface History {

    /** How many of the dataset's newest readable results the z-score is computed over. */
    @WithDefault("20")
    int window();

    /** The fewest earlier results needed before the check runs at all. */
    @WithDefault("5")
    int minResults();

    /**
     * The largest absolute z-score of the row count, {@code |n - mean| / stddev}, that still
     * passes; the check has severity warn.
     */
    @WithDefault("3.0")
    double maxZScore();
  }
}
