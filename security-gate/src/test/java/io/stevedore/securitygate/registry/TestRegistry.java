package io.stevedore.securitygate.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stevedore.securitygate.image.Digests;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.image.TestImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small registry (HTTP API v2, read-only) served in the test on 127.0.0.1 from OCI layouts built
 * in the test, with token auth: every {@code /v2/} request without a valid bearer token gets a 401
 * challenge naming the token endpoint, which hands out tokens (to anyone, or only to the configured
 * basic credentials).
 */
public final class TestRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;

  /** blobs and manifests by digest, per repository */
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

  private final Map<String, String> mediaTypes = new ConcurrentHashMap<>();

  /** repository:tag to manifest digest */
  private final Map<String, String> tags = new ConcurrentHashMap<>();

  /** digest to bytes served instead of the real ones (tampering) */
  private final Map<String, byte[]> altered = new ConcurrentHashMap<>();

  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> tagRequests = new ConcurrentHashMap<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private volatile String username;
  private volatile String password;

  public TestRegistry() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/token", this::token);
    server.createContext("/v2/", this::v2);
    server.start();
  }

  /** {@code 127.0.0.1:<port>}, the registry part of references. */
  public String registry() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public String url() {
    return "http://" + registry();
  }

  /** Token requests must carry these basic credentials. */
  public TestRegistry requireCredentials(String user, String pass) {
    this.username = user;
    this.password = pass;
    return this;
  }

  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** How many times a manifest was asked for by this tag. */
  public int tagRequests(String repository, String tag) {
    return tagRequests.getOrDefault(repository + ":" + tag, new AtomicInteger()).get();
  }

  /** Pushes an image's blobs and manifest, tagged; returns the manifest digest. */
  public String push(String repository, String tag, TestImage image) {
    Map<String, byte[]> files = image.ociFiles();
    files.forEach(
        (path, bytes) -> {
          if (path.startsWith("blobs/sha256/")) {
            blobs.put(repository + "@sha256:" + path.substring("blobs/sha256/".length()), bytes);
          }
        });
    String digest = image.manifestDigest();
    mediaTypes.put(repository + "@" + digest, ImageReader.OCI_MANIFEST);
    if (tag != null) {
      tags.put(repository + ":" + tag, digest);
    }
    return digest;
  }

  /** Stores a manifest (or index) of any media type, tagged; returns its digest. */
  public String putManifest(String repository, String tag, String mediaType, byte[] bytes) {
    String digest = Digests.sha256(bytes);
    blobs.put(repository + "@" + digest, bytes);
    mediaTypes.put(repository + "@" + digest, mediaType);
    if (tag != null) {
      tags.put(repository + ":" + tag, digest);
    }
    return digest;
  }

  /** Stores a blob; returns its digest. */
  public String putBlob(String repository, byte[] bytes) {
    String digest = Digests.sha256(bytes);
    blobs.put(repository + "@" + digest, bytes);
    return digest;
  }

  /** Serves {@code bytes} for {@code digest} from now on (a tampered registry or mirror). */
  public void alter(String digest, byte[] bytes) {
    altered.put(digest, bytes);
  }

  /**
   * Signs {@code target} the way cosign does: a simple-signing payload naming {@code
   * payloadDigest}, signed with {@code key}, in a manifest tagged {@code sha256-<hex>.sig}.
   */
  public void sign(String repository, String target, String payloadDigest, PrivateKey key) {
    byte[] payload =
        ("{\"critical\":{\"identity\":{\"docker-reference\":\""
                + registry()
                + "/"
                + repository
                + "\"},\"image\":{\"docker-manifest-digest\":\""
                + payloadDigest
                + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
            .getBytes(StandardCharsets.UTF_8);
    String signature;
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(payload);
      signature = Base64.getEncoder().encodeToString(s.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String configDigest = putBlob(repository, config);
    String payloadBlob = putBlob(repository, payload);
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", ImageReader.OCI_MANIFEST);
    ObjectNode c = m.putObject("config");
    c.put("mediaType", "application/vnd.oci.image.config.v1+json");
    c.put("digest", configDigest);
    c.put("size", config.length);
    ObjectNode l = m.putArray("layers").addObject();
    l.put("mediaType", "application/vnd.dev.cosign.simplesigning.v1+json");
    l.put("digest", payloadBlob);
    l.put("size", payload.length);
    l.putObject("annotations").put(ImageReader.SIGNATURE_ANNOTATION, signature);
    try {
      putManifest(
          repository,
          RegistryClient.signatureTag(target),
          ImageReader.OCI_MANIFEST,
          JSON.writeValueAsBytes(m));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void token(HttpExchange ex) throws IOException {
    tokenRequests.incrementAndGet();
    if (username != null) {
      String expected =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        send(ex, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes());
        return;
      }
    }
    String query = ex.getRequestURI().getQuery();
    if (query == null || !query.contains("scope=repository")) {
      send(ex, 400, "application/json", "{\"errors\":[{\"code\":\"NO_SCOPE\"}]}".getBytes());
      return;
    }
    String token = UUID.randomUUID().toString();
    tokens.put(token, query);
    send(
        ex,
        200,
        "application/json",
        ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8));
  }

  private void v2(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath().substring("/v2/".length());
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null
        || !auth.startsWith("Bearer ")
        || !tokens.containsKey(auth.substring("Bearer ".length()))) {
      String repo =
          path.contains("/manifests/")
              ? path.substring(0, path.indexOf("/manifests/"))
              : path.contains("/blobs/") ? path.substring(0, path.indexOf("/blobs/")) : "";
      ex.getResponseHeaders()
          .add(
              "WWW-Authenticate",
              "Bearer realm=\""
                  + url()
                  + "/token\",service=\"test-registry\",scope=\"repository:"
                  + repo
                  + ":pull\"");
      send(ex, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes());
      return;
    }
    int m = path.indexOf("/manifests/");
    int b = path.indexOf("/blobs/");
    if (m > 0) {
      String repo = path.substring(0, m);
      String ref = path.substring(m + "/manifests/".length());
      String digest = ref;
      if (!ref.startsWith("sha256:")) {
        tagRequests.computeIfAbsent(repo + ":" + ref, k -> new AtomicInteger()).incrementAndGet();
        digest = tags.get(repo + ":" + ref);
      }
      byte[] bytes = digest == null ? null : blobs.get(repo + "@" + digest);
      if (bytes == null) {
        send(
            ex,
            404,
            "application/json",
            "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}".getBytes());
        return;
      }
      ex.getResponseHeaders().add("Docker-Content-Digest", digest);
      send(ex, 200, mediaTypes.get(repo + "@" + digest), altered.getOrDefault(digest, bytes));
      return;
    }
    if (b > 0) {
      String repo = path.substring(0, b);
      String digest = path.substring(b + "/blobs/".length());
      byte[] bytes = blobs.get(repo + "@" + digest);
      if (bytes == null) {
        send(ex, 404, "application/json", "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}".getBytes());
        return;
      }
      send(ex, 200, "application/octet-stream", altered.getOrDefault(digest, bytes));
      return;
    }
    send(ex, 404, "application/json", "{}".getBytes());
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
