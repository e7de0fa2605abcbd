package io.stevedore.securitygate.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.stevedore.securitygate.advisory.Severity;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Settings of the security gate (prefix {@code stevedore.security-gate}). */
@ConfigMapping(prefix = "stevedore.security-gate")
public interface SecurityGateConfig {

  /**
   * What a failing verdict does to a launch: {@code enforce} blocks it, {@code warn} lets it run
   * and records a warning on the stage, {@code off} skips the gate (verdicts are still computed).
   */
  @WithDefault("enforce")
  Enforcement enforcement();

  /** The lowest finding severity that makes an image's verdict fail. */
  @WithDefault("high")
  Severity failAt();

  /**
   * How long a verdict stays valid; an older one is recomputed before the next launch, since
   * advisories appear after an image was built.
   */
  @WithDefault("24h")
  Duration verdictTtl();

  /**
   * The largest image tar accepted by {@code POST /api/v1/scans}; larger images go through the
   * {@code image-scans} queue. Keep {@code stevedore.http.max-body-size} at least this large.
   */
  @WithDefault("256M")
  MemorySize maxScanSize();

  /** The largest advisory import body ({@code POST /api/v1/advisories/import}). */
  @WithDefault("256M")
  MemorySize maxImportSize();

  /** The largest policy document accepted. */
  @WithDefault("64K")
  MemorySize maxPolicySize();

  /**
   * The policy used for an {@code image-scans} message that names none (message attribute {@code
   * stevedore-policy}).
   */
  @WithDefault("default")
  String defaultPolicy();

  /**
   * Images seen within this window are evaluated again when an advisory import changes the advisory
   * data; a previously passing image that now fails raises an alert.
   */
  @WithDefault("7d")
  Duration rescanWindow();

  /** Whether an advisory import that changes the data starts a rescan. */
  @WithDefault("true")
  boolean rescanOnImport();

  /**
   * How often each instance checks {@code advisory_imports} for an import made by another instance,
   * and reloads its advisory index when there is one.
   */
  @WithDefault("30s")
  Duration advisoryRefreshInterval();

  /**
   * Public keys (PEM, ECDSA P-256) by name, for policies whose {@code signature} names a {@code
   * keyRef}: {@code stevedore.security-gate.signing-keys.release=-----BEGIN PUBLIC KEY-----...}.
   */
  Map<String, String> signingKeys();

  /**
   * Services (by their name in {@code stevedore.auth.service-keys}) that may ask for admissions on
   * behalf of the team they name.
   */
  @WithDefault("orchestrator")
  Set<String> admissionServices();

  /** Pulling images from registries. */
  Registry registry();

  /** ECR, as a registry and as an additional source of vulnerabilities. */
  Ecr ecr();

  /** Pulling images from registries (HTTP API v2). */
  interface Registry {
    /** The platform ({@code os/architecture[/variant]}) taken from a multi-platform image. */
    @WithDefault("linux/amd64")
    String platform();

    /** Registry hosts spoken to over plain HTTP rather than HTTPS (local registries only). */
    @WithDefault("localhost,127.0.0.1")
    Set<String> plainHttpHosts();

    /**
     * Base URLs used instead of a registry's own address, by registry: {@code
     * stevedore.security-gate.registry.mirrors."ecr.example"=http://127.0.0.1:5000}.
     */
    Map<String, String> mirrors();

    /**
     * Basic credentials by registry (given to its token service, or as basic auth). ECR registries
     * need none: their credentials come from {@code GetAuthorizationToken}.
     */
    Map<String, Credentials> credentials();

    /** Timeout of one registry request (connection and response headers). */
    @WithDefault("30s")
    Duration timeout();

    /** Where pulled images are kept while they are scanned (deleted afterwards). */
    Optional<String> workDirectory();
  }

  /** Credentials for one registry. */
  interface Credentials {
    String username();

    String password();
  }

  /** ECR settings. */
  interface Ecr {
    /** Whether ECR's scan findings ({@code DescribeImageScanFindings}) are merged into verdicts. */
    @WithDefault("true")
    boolean scanFindings();
  }

  /** What a failing verdict does to a launch. */
  enum Enforcement {
    /** Block the launch. */
    ENFORCE,
    /** Launch, and record a warning on the stage attempt. */
    WARN,
    /** Do not consult verdicts at launch. */
    OFF
  }
}
