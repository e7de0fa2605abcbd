package io.stevedore.orchestrator.ecs;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stevedore.testing.AwsApiProxy;
import io.stevedore.testing.Moto;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * moto's ECS behind a recording {@link AwsApiProxy}: the orchestrator talks to the proxy, tests
 * read what went over the wire and inject faults. moto knows no capacity providers, so the proxy
 * turns a RunTask's strategy into {@code launchType FARGATE} on its way to moto (the recording
 * keeps what the orchestrator sent). Sets up a cluster, the task definitions and the default subnet
 * and security group.
 */
public class EcsMotoResource implements QuarkusTestResourceLifecycleManager {

  public static final String CLUSTER = "stevedore";
  private static final Pattern STRATEGY =
      Pattern.compile("\"capacityProviderStrategy\":\\[[^\\]]*\\]");

  private static AwsApiProxy proxy;

  /** The proxy in front of moto. */
  public static synchronized AwsApiProxy proxy() {
    return proxy;
  }

  /** A client straight to moto (not recorded), to act behind the orchestrator's back. */
  public static EcsClient moto() {
    return EcsClient.builder()
        .endpointOverride(URI.create(Moto.endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /**
   * How many DescribeTasks calls move a moto task one state on (RUNNING, DEACTIVATING, STOPPING,
   * DEPROVISIONING, STOPPED); a large number keeps tasks running.
   */
  public static void describesPerState(int times) {
    post(
        "/moto-api/state-manager/set-transition",
        "{\"model_name\":\"ecs::task\",\"transition\":{\"progression\":\"manual\",\"times\":"
            + times
            + "}}");
  }

  @Override
  public synchronized Map<String, String> start() {
    if (Moto.unavailableReason() != null) {
      return Map.of();
    }
    if (proxy == null) {
      proxy = AwsApiProxy.start(Moto.endpoint());
    }
    proxy.rewrite(EcsMotoResource::forMoto);
    describesPerState(1);
    try (EcsClient ecs = moto()) {
      ecs.createCluster(r -> r.clusterName(CLUSTER));
      for (String family : new String[] {"stevedore-etl-worker", "stevedore-hello"}) {
        ecs.registerTaskDefinition(
            r ->
                r.family(family)
                    .requiresCompatibilities(Compatibility.FARGATE)
                    .networkMode(NetworkMode.AWSVPC)
                    .cpu("256")
                    .memory("512")
                    .containerDefinitions(
                        c -> c.name("main").image("stevedore/hello").memory(512).essential(true)));
      }
    }
    String subnets = ec2("DescribeSubnets", "subnetId");
    String groups = ec2("DescribeSecurityGroups", "groupId");
    Map<String, String> config = new HashMap<>();
    config.put("stevedore.aws.endpoint-override", proxy.endpoint());
    config.put("stevedore.aws.access-key-id", "test");
    config.put("stevedore.aws.secret-access-key", "test");
    config.put("stevedore.orchestrator.launcher", "ecs");
    config.put("stevedore.orchestrator.ecs.cluster", CLUSTER);
    config.put("stevedore.orchestrator.ecs.subnets", subnets);
    config.put("stevedore.orchestrator.ecs.security-groups", groups);
    config.put(
        "stevedore.orchestrator.ecs.task-definitions.\"stevedore/hello\"", "stevedore-hello");
    config.put("stevedore.orchestrator.ecs.call-backoff", "20ms");
    config.put("stevedore.orchestrator.ecs.max-call-backoff", "200ms");
    return config;
  }

  /** What moto understands: a launch type instead of a capacity provider strategy. */
  static String forMoto(String operation, String body) {
    if (!operation.equals("RunTask")) {
      return body;
    }
    return STRATEGY
        .matcher(body)
        .replaceAll(Matcher.quoteReplacement("\"launchType\":\"FARGATE\""));
  }

  /** The first value of {@code field} in an EC2 query API answer of moto. */
  private static String ec2(String action, String field) {
    String xml = post("/", "Action=" + action + "&Version=2016-11-15");
    Matcher m = Pattern.compile("<" + field + ">([^<]+)</" + field + ">").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("moto's " + action + " named no " + field + ": " + xml);
    }
    return m.group(1);
  }

  private static String post(String path, String body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(Moto.endpoint() + path))
              .header(
                  "Authorization",
                  "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ec2/aws4_request,"
                      + " SignedHeaders=host, Signature=x")
              .header(
                  "Content-Type",
                  body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            "moto answered " + response.statusCode() + " to " + path + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach moto: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    // the proxy and moto are shared by the test JVM
  }
}
