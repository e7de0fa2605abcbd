package io.stevedore.orchestrator.launcher.ecs;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.stevedore.orchestrator.config.AwsConfig;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** An ECS launcher built outside Quarkus, from real configuration mappings, against an endpoint. */
final class EcsTestConfig {

  private EcsTestConfig() {}

  static SmallRyeConfig config(String endpoint, Map<String, String> overrides) {
    Map<String, String> props = new HashMap<>();
    props.put("stevedore.aws.endpoint-override", endpoint);
    props.put("stevedore.aws.access-key-id", "test");
    props.put("stevedore.aws.secret-access-key", "test");
    props.put("stevedore.orchestrator.ecs.cluster", "stevedore-test");
    props.put("stevedore.orchestrator.ecs.subnets", "subnet-1");
    props.put("stevedore.orchestrator.ecs.security-groups", "sg-1");
    props.put("stevedore.orchestrator.ecs.call-backoff", "5ms");
    props.put("stevedore.orchestrator.ecs.max-call-backoff", "50ms");
    props.putAll(overrides);
    return new SmallRyeConfigBuilder()
        .withMapping(OrchestratorConfig.class)
        .withMapping(AwsConfig.class)
        .withConverter(Duration.class, 200, new DurationConverter())
        .withSources(new PropertiesConfigSource(props, "test", 500))
        .build();
  }

  static EcsLauncher launcher(String endpoint, Map<String, String> overrides) {
    SmallRyeConfig config = config(endpoint, overrides);
    OrchestratorConfig orchestrator = config.getConfigMapping(OrchestratorConfig.class);
    AwsConfig aws = config.getConfigMapping(AwsConfig.class);
    return new EcsLauncher(
        orchestrator, new EcsClientProducer().ecsClient(orchestrator, aws), Clock.systemUTC());
  }
}
