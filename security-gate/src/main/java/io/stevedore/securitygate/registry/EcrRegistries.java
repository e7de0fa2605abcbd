package io.stevedore.securitygate.registry;

import io.stevedore.securitygate.advisory.ExternalVulnerability;
import io.stevedore.securitygate.advisory.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Attribute;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.DescribeImageScanFindingsResponse;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.ImageScanFinding;

/**
 * Amazon ECR registries ({@code <account>.dkr.ecr.<region>.amazonaws.com}): credentials from {@code
 * GetAuthorizationToken} (basic auth {@code AWS:<password>}, cached until shortly before they
 * expire), and ECR's own scan results ({@code DescribeImageScanFindings}) as an additional source
 * of vulnerabilities.
 */
public final class EcrRegistries {

  private static final Logger LOG = Logger.getLogger(EcrRegistries.class);
  private static final Pattern HOST =
      Pattern.compile("(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

  /** Tokens are used until this long before they expire. */
  private static final Duration MARGIN = Duration.ofMinutes(5);

  /** An ECR registry: its account and region. */
  public record Registry(String accountId, String region) {}

  private record Cached(RegistryClient.Credentials credentials, Instant until) {}

  private final Function<String, EcrClient> clients;
  private final Clock clock;
  private final Map<String, Cached> tokens = new ConcurrentHashMap<>();

  /**
   * @param clients an ECR client per region
   */
  public EcrRegistries(Function<String, EcrClient> clients, Clock clock) {
    this.clients = clients;
    this.clock = clock;
  }

  /** The account and region of an ECR registry host, or empty for any other registry. */
  public static Optional<Registry> parse(String registry) {
    Matcher m = HOST.matcher(registry.toLowerCase(Locale.ROOT));
    return m.matches() ? Optional.of(new Registry(m.group(1), m.group(2))) : Optional.empty();
  }

  /** Basic credentials for an ECR registry, or empty for any other registry. */
  public Optional<RegistryClient.Credentials> credentials(String registry) {
    Optional<Registry> ecr = parse(registry);
    if (ecr.isEmpty()) {
      return Optional.empty();
    }
    Cached cached = tokens.get(registry);
    Instant now = clock.instant();
    if (cached != null && cached.until().isAfter(now)) {
      return Optional.of(cached.credentials());
    }
    AuthorizationData data;
    try {
      data =
          clients
              .apply(ecr.get().region())
              .getAuthorizationToken(r -> r.registryIds(ecr.get().accountId()))
              .authorizationData()
              .stream()
              .findFirst()
              .orElseThrow(
                  () ->
                      new io.stevedore.securitygate.image.ImageException(
                          "ECR GetAuthorizationToken returned no data for " + registry));
    } catch (SdkException e) {
      throw new io.stevedore.securitygate.image.ImageException(
          "ECR GetAuthorizationToken for " + registry + " failed: " + code(e), e);
    }
    String decoded =
        new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new io.stevedore.securitygate.image.ImageException(
          "ECR authorization token for " + registry + " is malformed");
    }
    RegistryClient.Credentials creds =
        new RegistryClient.Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    Instant expires = data.expiresAt();
    if (expires != null && expires.minus(MARGIN).isAfter(now)) {
      tokens.put(registry, new Cached(creds, expires.minus(MARGIN)));
    }
    return Optional.of(creds);
  }

  /**
   * ECR's scan findings for an image, when the reference is an ECR repository and a scan exists.
   * Problems (no scan yet, no permission) are added to {@code notes}, not thrown: the gate's own
   * matching still decides.
   */
  public List<ExternalVulnerability> findings(
      RegistryReference ref, String digest, List<String> notes) {
    Optional<Registry> ecr = parse(ref.registry());
    if (ecr.isEmpty()) {
      return List.of();
    }
    List<ExternalVulnerability> out = new ArrayList<>();
    try {
      String next = null;
      do {
        String token = next;
        DescribeImageScanFindingsResponse page =
            clients
                .apply(ecr.get().region())
                .describeImageScanFindings(
                    r -> {
                      r.registryId(ecr.get().accountId())
                          .repositoryName(ref.repository())
                          .imageId(i -> i.imageDigest(digest))
                          .maxResults(1000);
                      if (token != null) {
                        r.nextToken(token);
                      }
                    });
        if (page.imageScanFindings() != null && page.imageScanFindings().hasFindings()) {
          for (ImageScanFinding f : page.imageScanFindings().findings()) {
            out.add(vulnerability(f));
          }
        }
        next = page.nextToken();
      } while (next != null && out.size() < 10_000);
    } catch (SdkException e) {
      String code = code(e);
      notes.add(
          "ECR scan findings for " + ref.repositoryPath() + "@" + digest + " not read: " + code);
      LOG.infof("ECR scan findings for %s@%s not read: %s", ref.repositoryPath(), digest, code);
    }
    return out;
  }

  private static String code(SdkException e) {
    if (e instanceof EcrException ecr && ecr.awsErrorDetails() != null) {
      return ecr.awsErrorDetails().errorCode();
    }
    return e.getClass().getSimpleName();
  }

  private static ExternalVulnerability vulnerability(ImageScanFinding f) {
    String pkg = "";
    String version = "";
    if (f.hasAttributes()) {
      for (Attribute a : f.attributes()) {
        if ("package_name".equals(a.key())) {
          pkg = a.value();
        } else if ("package_version".equals(a.key())) {
          version = a.value();
        }
      }
    }
    Severity severity =
        switch (f.severityAsString() == null ? "" : f.severityAsString().toUpperCase(Locale.ROOT)) {
          case "CRITICAL" -> Severity.CRITICAL;
          case "HIGH" -> Severity.HIGH;
          case "MEDIUM" -> Severity.MEDIUM;
          case "LOW" -> Severity.LOW;
          case "INFORMATIONAL" -> Severity.NONE;
          default -> Severity.UNKNOWN;
        };
    return new ExternalVulnerability(
        "ecr",
        f.name(),
        severity,
        pkg == null ? "" : pkg,
        version == null ? "" : version,
        f.uri() == null ? "" : f.uri());
  }
}
