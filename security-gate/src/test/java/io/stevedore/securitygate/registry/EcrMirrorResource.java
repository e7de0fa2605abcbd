package io.stevedore.securitygate.registry;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A {@link TestRegistry} standing in for an ECR registry through {@code registry.mirrors}: it
 * accepts only the basic credentials moto's {@code GetAuthorizationToken} hands out.
 */
public class EcrMirrorResource implements QuarkusTestResourceLifecycleManager {

  public static final String ACCOUNT = "123456789012";
  public static final String REGISTRY = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com";

  static volatile TestRegistry registry;

  public static TestRegistry registry() {
    return registry;
  }

  @Override
  public Map<String, String> start() {
    registry = new TestRegistry().requireCredentials("AWS", ACCOUNT + "-auth-token");
    return Map.of("stevedore.security-gate.registry.mirrors.\"" + REGISTRY + "\"", registry.url());
  }

  @Override
  public void stop() {
    if (registry != null) {
      registry.close();
    }
  }
}
