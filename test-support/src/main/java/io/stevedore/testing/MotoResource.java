package io.stevedore.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * moto's server for Quarkus tests. Sets {@code stevedore.aws.endpoint-override} (the endpoint the
 * services use for ECS, ECR, CloudWatch and Application Auto Scaling). When moto is missing it sets
 * nothing; pair it with {@link RequiresMoto} so those tests skip (or fail in CI).
 */
public class MotoResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    if (Moto.unavailableReason() != null) {
      return Map.of();
    }
    return Map.of("stevedore.aws.endpoint-override", Moto.endpoint());
  }

  @Override
  public void stop() {
    // shared by every test of this JVM; stopped when the JVM exits
  }
}
