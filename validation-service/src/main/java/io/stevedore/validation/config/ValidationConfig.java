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

  /** The S3 bucket that receives validation reports (JSON), under {@code <run-id>/<stage-id>/}. */
  @WithDefault("stevedore-reports")
  String reportBucket();

  /**
   * How many failing rows a report keeps as examples for each failed check; the counts are always
   * complete.
   */
  @WithDefault("20")
  int failedRowSamples();
}
