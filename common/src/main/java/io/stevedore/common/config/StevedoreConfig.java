package io.stevedore.common.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/** Settings shared by every Stevedore service (prefix {@code stevedore}). */
@ConfigMapping(prefix = "stevedore")
public interface StevedoreConfig {

  /**
   * The service's name, such as {@code scheduler}. It names the service's own database schema and
   * identifies it as a message consumer.
   */
  String serviceName();

  /** Database settings. */
  Db db();

  /** Authentication settings. */
  Auth auth();

  /** HTTP settings. */
  Http http();

  /** HTTP settings. */
  interface Http {
    /**
     * The largest request body accepted; a larger one gets a 413 problem before it is read. Keep it
     * below {@code quarkus.http.limits.max-body-size}, the hard limit for bodies sent without a
     * length.
     */
    @WithDefault("1M")
    MemorySize maxBodySize();
  }

  /** Database settings. */
  interface Db {
    /**
     * Run the Flyway migrations of schema {@code jobs} and of the service's own schema at start-up.
     * Concurrent starts are safe: Flyway takes a Postgres advisory lock.
     */
    @WithDefault("true")
    boolean migrateAtStart();
  }

  /** Authentication by per-team API keys. */
  interface Auth {
    /**
     * The bootstrap admin key. It may create teams and their API keys and nothing else. Give it as
     * an environment variable ({@code STEVEDORE_AUTH_ADMIN_KEY}), never in a committed file. When
     * absent, no admin calls are possible.
     */
    Optional<String> adminKey();

    /**
     * Keys of the services that call each other (the orchestrator asking security-gate for an
     * admission, for example), by service name: the SHA-256 of the key in lower-case hex, never the
     * key itself ({@code STEVEDORE_AUTH_SERVICE_KEYS_ORCHESTRATOR=<hex>}). A service caller acts
     * for the team named in its request, on the endpoints that allow {@link
     * io.stevedore.common.auth.Caller#SERVICE}.
     */
    Map<String, String> serviceKeys();

    /**
     * Build-time switch: serve the team admin API ({@code /admin/teams}) from this service. Only
     * the scheduler, the teams' front door, sets it.
     */
    @WithDefault("false")
    boolean adminApi();
  }
}
