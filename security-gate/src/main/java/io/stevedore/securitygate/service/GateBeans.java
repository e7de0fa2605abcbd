package io.stevedore.securitygate.service;

import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.config.SecurityGateConfig;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.registry.EcrRegistries;
import io.stevedore.securitygate.registry.RegistryClient;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.VerdictCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;

/** The framework-free core as beans: one advisory index per process, and the gate over it. */
@ApplicationScoped
class GateBeans {

  @Produces
  @Singleton
  AdvisoryIndex advisoryIndex() {
    return new AdvisoryIndex();
  }

  @Produces
  @Singleton
  ImageLimits imageLimits() {
    return ImageLimits.defaults();
  }

  @Produces
  @Singleton
  ImageReader imageReader(ImageLimits limits) {
    return new ImageReader(limits);
  }

  @Produces
  @Singleton
  SecurityGate securityGate(
      ImageLimits limits, AdvisoryIndex index, Clock clock, SecurityGateConfig config) {
    // the service's verdict cache is the verdicts table (VerdictStore), shared by every instance;
    // the gate's in-memory cache is not consulted, so it keeps nothing
    return new SecurityGate(
        limits,
        index,
        new VerdictCache(0),
        clock,
        name -> Optional.ofNullable(config.signingKeys().get(name)));
  }

  @Produces
  @Singleton
  EcrRegistries ecrRegistries(
      Clock clock,
      @ConfigProperty(name = "stevedore.aws.endpoint-override") Optional<URI> endpoint) {
    Map<String, EcrClient> clients = new ConcurrentHashMap<>();
    return new EcrRegistries(
        region ->
            clients.computeIfAbsent(
                region,
                r -> {
                  var b =
                      EcrClient.builder()
                          .region(Region.of(r))
                          .httpClientBuilder(UrlConnectionHttpClient.builder());
                  if (endpoint.isPresent()) {
                    // a local emulator (moto): any credentials do
                    b.endpointOverride(endpoint.get())
                        .credentialsProvider(
                            StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("stevedore-local", "stevedore-local")));
                  } else {
                    b.credentialsProvider(DefaultCredentialsProvider.builder().build());
                  }
                  return b.build();
                }),
        clock);
  }

  @Produces
  @Singleton
  RegistryClient registryClient(
      ImageLimits limits, SecurityGateConfig config, EcrRegistries ecr, Clock clock) {
    SecurityGateConfig.Registry r = config.registry();
    Map<String, RegistryClient.Credentials> configured = new HashMap<>();
    r.credentials()
        .forEach(
            (registry, c) ->
                configured.put(
                    registry, new RegistryClient.Credentials(c.username(), c.password())));
    return new RegistryClient(
        limits,
        new RegistryClient.Settings(r.platform(), r.plainHttpHosts(), r.mirrors(), r.timeout()),
        registry ->
            configured.containsKey(registry)
                ? Optional.of(configured.get(registry))
                : ecr.credentials(registry),
        clock);
  }
}
