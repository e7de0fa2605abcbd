package io.stevedore.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stevedore.localstack.Servers;
import java.util.Map;

/** S3Proxy with a filesystem backend, a real S3-protocol server, started once per test JVM. */
public class S3Resource implements QuarkusTestResourceLifecycleManager {

  public static final String ACCESS_KEY = Servers.LOCAL_ACCESS_KEY;
  public static final String SECRET_KEY = Servers.LOCAL_SECRET_KEY;

  /** The S3 endpoint (path-style), starting S3Proxy if needed (also for plain JUnit tests). */
  public static String endpoint() {
    return "http://127.0.0.1:" + ChildServer.get("s3").port();
  }

  @Override
  public Map<String, String> start() {
    return Map.of(
        "quarkus.s3.endpoint-override",
        endpoint(),
        "quarkus.s3.path-style-access",
        "true",
        "quarkus.s3.aws.region",
        SqsResource.REGION,
        "quarkus.s3.aws.credentials.type",
        "static",
        "quarkus.s3.aws.credentials.static-provider.access-key-id",
        ACCESS_KEY,
        "quarkus.s3.aws.credentials.static-provider.secret-access-key",
        SECRET_KEY);
  }

  @Override
  public void stop() {
    // shared by every test of this JVM; stopped when the JVM exits
  }
}
