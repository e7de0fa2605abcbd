package io.stevedore.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** ElasticMQ, a real SQS-protocol server, for Quarkus tests, started once per test JVM. */
public class SqsResource implements QuarkusTestResourceLifecycleManager {

  public static final String ACCESS_KEY = "test";
  public static final String SECRET_KEY = "test";
  public static final String REGION = "us-east-1";

  /** The SQS endpoint, starting ElasticMQ if needed (also for plain JUnit tests). */
  public static String endpoint() {
    return "http://127.0.0.1:" + ChildServer.get("sqs").port();
  }

  @Override
  public Map<String, String> start() {
    return Map.of(
        "quarkus.sqs.endpoint-override", endpoint(),
        "quarkus.sqs.aws.region", REGION,
        "quarkus.sqs.aws.credentials.type", "static",
        "quarkus.sqs.aws.credentials.static-provider.access-key-id", ACCESS_KEY,
        "quarkus.sqs.aws.credentials.static-provider.secret-access-key", SECRET_KEY);
  }

  @Override
  public void stop() {
    // shared by every test of this JVM; stopped when the JVM exits
  }
}
