package io.stevedore.validation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
   * How many failing rows a report keeps as examples for each failed check; the counts are always
   * complete.
   */
  @WithDefault("20")
  int failedRowSamples();

  /** Row-count anomaly detection against the dataset's history. */
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
