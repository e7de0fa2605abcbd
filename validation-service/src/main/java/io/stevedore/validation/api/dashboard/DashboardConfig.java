package io.stevedore.validation.api.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of the quality dashboard (prefix {@code stevedore.validation.dashboard}). */
@ConfigMapping(prefix = "stevedore.validation.dashboard")
public interface DashboardConfig {

  /**
   * The key that signs session cookies and CSRF tokens (HMAC-SHA256), at least 32 characters. Set
   * it from a secret store (env {@code STEVEDORE_VALIDATION_DASHBOARD_SESSION_SECRET}) when more
   * than one instance serves the dashboard; when absent each instance draws a random key at start,
   * so sessions end when it restarts.
   */
  Optional<String> sessionSecret();

  /** How long a session lasts after login; the team's key being revoked ends it sooner. */
  @WithDefault("8H")
  Duration sessionTtl();

  /**
   * Whether cookies carry the {@code Secure} attribute (sent over HTTPS only). Turn it off only to
   * serve the dashboard over plain HTTP to a browser on another host.
   */
  @WithDefault("true")
  boolean secureCookies();

  /** How many of a dataset's newest scores the list page draws as its trend. */
  @WithDefault("20")
  int trendLength();

  /** How many results a dataset page lists as its history. */
  @WithDefault("50")
  int historyLength();

  /** How many failing rows a dataset page shows per failed check. */
  @WithDefault("20")
  int samplesShown();

  /** The largest report (bytes) a dataset page reads from S3 to show samples and corrections. */
  @WithDefault("8388608")
  long maxReportBytes();
}
