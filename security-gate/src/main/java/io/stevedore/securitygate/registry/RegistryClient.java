package io.stevedore.securitygate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.securitygate.image.Digests;
import io.stevedore.securitygate.image.ImageException;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.ImageReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A client of the registry HTTP API v2 (the OCI distribution spec): manifests (OCI and Docker v2
 * schema 2; an image index or manifest list is narrowed to one platform) and blobs by digest,
 * streamed to disk with their digests verified and sizes bounded by {@link ImageLimits}.
 *
 * <p>Authentication follows the registry's {@code WWW-Authenticate} challenge: {@code Bearer}
 * (token from the realm, anonymous or with basic credentials, cached until it expires) or {@code
 * Basic}. Redirects (blob storage) are followed without the registry's credentials.
 *
 * <p>{@link #pull} writes an OCI image layout that {@link ImageReader} reads, with the image's
 * cosign signature manifests ({@code sha256-<hex>.sig}) beside it when the registry has them. Every
 * failure is an {@link ImageException} naming the registry, repository and what went wrong.
 */
public final class RegistryClient {

  private static final Logger LOG = Logger.getLogger(RegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The annotation OCI layouts use for a manifest's tag. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** Annotation on a pulled image's descriptor naming the index it was chosen from. */
  public static final String INDEX_DIGEST = "io.stevedore.gate.index-digest";

  static final List<String> MANIFEST_TYPES =
      List.of(
          ImageReader.OCI_MANIFEST,
          ImageReader.DOCKER_MANIFEST,
          ImageReader.OCI_INDEX,
          ImageReader.DOCKER_LIST);

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final int MAX_REDIRECTS = 5;

  /**
   * User name and password for a registry. {@link #toString()} hides the password.
   *
   * @param username the user ({@code AWS} for ECR)
   * @param password the password or token
   */
  public record Credentials(String username, String password) {
    String basic() {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=***]";
    }
  }

  /** Where credentials for a registry come from (static configuration, ECR). */
  @FunctionalInterface
  public interface CredentialSource {
    /** Credentials for {@code registry} (host and port), or empty for anonymous access. */
    Optional<Credentials> forRegistry(String registry);
  }

  /**
   * How to reach registries.
   *
   * @param platform {@code os/architecture[/variant]} picked from an image index
   * @param plainHttpHosts hosts spoken to over plain HTTP (local registries)
   * @param mirrors registry to base URL ({@code http://127.0.0.1:5000}), used instead of the
   *     registry's own address
   * @param timeout per request (connect and response headers)
   */
  public record Settings(
      String platform, Set<String> plainHttpHosts, Map<String, String> mirrors, Duration timeout) {
    public Settings {
      plainHttpHosts = Set.copyOf(plainHttpHosts);
      mirrors = Map.copyOf(mirrors);
    }

    public static Settings defaults() {
      return new Settings(
          "linux/amd64", Set.of("localhost", "127.0.0.1"), Map.of(), Duration.ofSeconds(30));
    }
  }

  /**
   * A manifest as served, digest verified.
   *
   * @param digest sha256 of its bytes
   * @param mediaType its media type
   * @param bytes its bytes
   */
  public record Manifest(String digest, String mediaType, byte[] bytes) {
    JsonNode json() {
      return parse(bytes, "manifest " + digest);
    }
  }

  /**
   * What a reference resolved to.
   *
   * @param reference the reference asked for
   * @param digest the image manifest's digest (the platform's manifest when the reference named an
   *     index)
   * @param indexDigest the index's digest when the reference named one, else null
   */
  public record Resolution(RegistryReference reference, String digest, String indexDigest) {}

  /**
   * A pulled image.
   *
   * @param layout the OCI image layout directory
   * @param digest the image manifest digest
   * @param signatures how many cosign signature manifests were found beside it
   */
  public record Pulled(Path layout, String digest, int signatures) {}

  private final HttpClient http;
  private final ImageLimits limits;
  private final Settings settings;
  private final CredentialSource credentials;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  private record Token(String header, Instant expires) {}

  public RegistryClient(
      ImageLimits limits, Settings settings, CredentialSource credentials, Clock clock) {
    this.limits = limits;
    this.settings = settings;
    this.credentials = credentials;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Resolves a reference to the digest of the image manifest to scan: a tag is asked for once, an
   * index is narrowed to the configured platform.
   */
  public Resolution resolve(RegistryReference ref) {
    Manifest top = manifest(ref, ref.manifestReference(), ref.digest());
    if (ImageReader.isIndexType(top.mediaType())) {
      String chosen = platformManifest(ref, top);
      Manifest m = manifest(ref, chosen, chosen);
      requireImageManifest(ref, m);
      return new Resolution(ref, m.digest(), top.digest());
    }
    requireImageManifest(ref, top);
    return new Resolution(ref, top.digest(), null);
  }

  /**
   * Pulls the image manifest {@code digest} of {@code ref}'s repository, its config and layers, and
   * the cosign signatures of it (and of {@code indexDigest}, when given), into an OCI image layout
   * in {@code dir}.
   */
  public Pulled pull(RegistryReference ref, String digest, String indexDigest, Path dir) {
    Digests.require(digest);
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Manifest m = manifest(ref, digest, digest);
      requireImageManifest(ref, m);
      JsonNode manifest = m.json();
      writeBlob(dir, m.digest(), m.bytes());
      JsonNode config = manifest.path("config");
      blob(ref, config, limits.maxBlobBytes(), dir, "config");
      for (JsonNode layer : manifest.path("layers")) {
        String type = layer.path("mediaType").asText("");
        if (!ImageReader.isLayerType(type)) {
          throw new ImageException(
              where(ref)
                  + ": layer "
                  + layer.path("digest").asText()
                  + " has unknown media type '"
                  + type
                  + "'");
        }
        blob(ref, layer, limits.maxLayerBytes(), dir, "layer");
      }
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", ImageReader.OCI_INDEX);
      ArrayNode manifests = index.putArray("manifests");
      ObjectNode d = manifests.addObject();
      d.put("mediaType", m.mediaType());
      d.put("digest", m.digest());
      d.put("size", m.bytes().length);
      ObjectNode annotations = d.putObject("annotations");
      if (ref.tag() != null) {
        annotations.put(REF_NAME, ref.tag());
      }
      if (indexDigest != null) {
        annotations.put(INDEX_DIGEST, indexDigest);
      }
      int signatures = 0;
      List<String> signed = new ArrayList<>();
      signed.add(digest);
      if (indexDigest != null) {
        signed.add(indexDigest);
      }
      for (String target : signed) {
        if (signature(ref, target, dir, manifests)) {
          signatures++;
        }
      }
      Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      return new Pulled(dir, digest, signatures);
    } catch (IOException e) {
      throw new ImageException(
          where(ref) + ": cannot write the pulled image: " + e.getMessage(), e);
    }
  }

  /** The cosign tag of an image digest: {@code sha256-<hex>.sig}. */
  public static String signatureTag(String digest) {
    return "sha256-" + Digests.hex(digest) + ".sig";
  }

  private boolean signature(RegistryReference ref, String target, Path dir, ArrayNode manifests) {
    String tag = signatureTag(target);
    Manifest sig;
    try {
      sig = manifestOrEmpty(ref, tag).orElse(null);
    } catch (ImageException e) {
      LOG.warnf(
          "%s: signature %s not readable, taken as absent: %s", where(ref), tag, e.getMessage());
      return false;
    }
    if (sig == null) {
      return false;
    }
    if (!ImageReader.isManifestType(sig.mediaType())) {
      LOG.warnf("%s: signature %s has media type %s; ignored", where(ref), tag, sig.mediaType());
      return false;
    }
    writeBlob(dir, sig.digest(), sig.bytes());
    JsonNode json = sig.json();
    blob(ref, json.path("config"), limits.maxBlobBytes(), dir, "signature config");
    for (JsonNode layer : json.path("layers")) {
      blob(ref, layer, limits.maxBlobBytes(), dir, "signature payload");
    }
    ObjectNode d = manifests.addObject();
    d.put("mediaType", sig.mediaType());
    d.put("digest", sig.digest());
    d.put("size", sig.bytes().length);
    d.putObject("annotations").put(REF_NAME, tag);
    return true;
  }

  private String platformManifest(RegistryReference ref, Manifest index) {
    String[] want = settings.platform().split("/");
    List<String> offered = new ArrayList<>();
    for (JsonNode m : index.json().path("manifests")) {
      JsonNode p = m.path("platform");
      String os = p.path("os").asText("");
      String arch = p.path("architecture").asText("");
      String variant = p.path("variant").asText("");
      offered.add(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
      if (os.equals(want[0])
          && want.length > 1
          && arch.equals(want[1])
          && (want.length < 3 || variant.equals(want[2]))) {
        return Digests.require(m.path("digest").asText(null));
      }
    }
    throw new ImageException(
        where(ref)
            + ": index "
            + index.digest()
            + " has no manifest for platform "
            + settings.platform()
            + "; it offers "
            + offered);
  }

  private static void requireImageManifest(RegistryReference ref, Manifest m) {
    if (!ImageReader.isManifestType(m.mediaType())) {
      throw new ImageException(
          where(ref)
              + ": manifest "
              + m.digest()
              + " has media type '"
              + m.mediaType()
              + "', not an OCI or Docker v2 image manifest");
    }
  }

  /**
   * Fetches a manifest by tag or digest; its digest is verified against {@code expectedDigest}
   * (when pinned) and the registry's {@code Docker-Content-Digest}.
   */
  public Manifest manifest(RegistryReference ref, String reference, String expectedDigest) {
    return manifestOrEmpty(ref, reference)
        .map(
            m -> {
              if (expectedDigest != null && !m.digest().equals(expectedDigest)) {
                throw new ImageException(
                    where(ref)
                        + ": manifest "
                        + expectedDigest
                        + " was served with digest "
                        + m.digest()
                        + "; it was altered");
              }
              return m;
            })
        .orElseThrow(
            () ->
                new ImageException(
                    where(ref) + ": manifest '" + reference + "' not found in the registry"));
  }

  private Optional<Manifest> manifestOrEmpty(RegistryReference ref, String reference) {
    HttpResponse<InputStream> response =
        get(ref, "/manifests/" + reference, String.join(", ", MANIFEST_TYPES));
    try (InputStream body = response.body()) {
      if (response.statusCode() == 404) {
        return Optional.empty();
      }
      requireOk(ref, response, body, "manifest '" + reference + "'");
      byte[] bytes = readLimited(body, limits.maxBlobBytes(), ref, "manifest '" + reference + "'");
      String digest = Digests.sha256(bytes);
      Optional<String> served = response.headers().firstValue("Docker-Content-Digest");
      if (served.isPresent() && !served.get().equals(digest)) {
        throw new ImageException(
            where(ref)
                + ": manifest '"
                + reference
                + "' has digest "
                + digest
                + " but the registry says "
                + served.get()
                + "; it was altered");
      }
      String type = mediaType(response, bytes);
      if (!MANIFEST_TYPES.contains(type)) {
        throw new ImageException(
            where(ref)
                + ": manifest '"
                + reference
                + "' has unknown media type '"
                + type
                + "' (expected OCI or Docker v2 schema 2)");
      }
      return Optional.of(new Manifest(digest, type, bytes));
    } catch (IOException e) {
      throw new ImageException(
          where(ref) + ": reading manifest '" + reference + "' failed: " + e.getMessage(), e);
    }
  }

  private static String mediaType(HttpResponse<?> response, byte[] bytes) {
    String fromBody = parse(bytes, "manifest").path("mediaType").asText("");
    if (!fromBody.isEmpty()) {
      return fromBody;
    }
    String header = response.headers().firstValue("Content-Type").orElse("");
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim();
  }

  /** Streams one blob to {@code dir/blobs/sha256/<hex>}, checking its size and digest. */
  private void blob(RegistryReference ref, JsonNode descriptor, long max, Path dir, String what) {
    String digest;
    try {
      digest = Digests.require(descriptor.path("digest").asText(null));
    } catch (ImageException e) {
      throw new ImageException(where(ref) + ": " + what + ": " + e.getMessage());
    }
    long declared = descriptor.path("size").asLong(-1);
    if (declared > max) {
      throw new ImageException(
          where(ref)
              + ": "
              + what
              + " "
              + digest
              + " is "
              + declared
              + " bytes, over the limit of "
              + max);
    }
    Path target = dir.resolve("blobs/sha256/" + Digests.hex(digest));
    if (Files.exists(target)) {
      return;
    }
    HttpResponse<InputStream> response = get(ref, "/blobs/" + digest, "*/*");
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try (InputStream body = response.body()) {
      requireOk(ref, response, body, what + " " + digest);
      MessageDigest md = Digests.sha256();
      long count = 0;
      try (OutputStream out = Files.newOutputStream(partial)) {
        byte[] buf = new byte[65536];
        int n;
        while ((n = body.read(buf)) > 0) {
          count += n;
          if (count > max) {
            throw new ImageException(
                where(ref) + ": " + what + " " + digest + " is larger than " + max + " bytes");
          }
          md.update(buf, 0, n);
          out.write(buf, 0, n);
        }
      }
      String actual = Digests.format(md);
      if (!actual.equals(digest)) {
        throw new ImageException(
            where(ref) + ": " + what + " " + digest + " has digest " + actual + "; it was altered");
      }
      if (declared >= 0 && count != declared) {
        throw new ImageException(
            where(ref)
                + ": "
                + what
                + " "
                + digest
                + " has "
                + count
                + " bytes; the manifest says "
                + declared);
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ImageException(
          where(ref) + ": reading " + what + " " + digest + " failed: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        LOG.debugf("cannot delete %s: %s", partial, e.getMessage());
      }
    }
  }

  private static void writeBlob(Path dir, String digest, byte[] bytes) {
    try {
      Files.write(dir.resolve("blobs/sha256/" + Digests.hex(digest)), bytes);
    } catch (IOException e) {
      throw new ImageException("cannot write blob " + digest + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------- HTTP

  private URI base(String registry) {
    String mirror = settings.mirrors().get(registry);
    if (mirror != null) {
      return URI.create(mirror.endsWith("/") ? mirror.substring(0, mirror.length() - 1) : mirror);
    }
    String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    int colon = registry.lastIndexOf(':');
    String bare = colon < 0 ? registry : registry.substring(0, colon);
    return URI.create((settings.plainHttpHosts().contains(bare) ? "http://" : "https://") + host);
  }

  private HttpResponse<InputStream> get(RegistryReference ref, String path, String accept) {
    URI uri = URI.create(base(ref.registry()) + "/v2/" + ref.repository() + path);
    String scope = "repository:" + ref.repository() + ":pull";
    String key = ref.registry() + " " + scope;
    Token token = tokens.get(key);
    String auth = token != null && token.expires().isAfter(clock.instant()) ? token.header() : null;
    HttpResponse<InputStream> response = send(ref, uri, accept, auth);
    if (response.statusCode() == 401) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      discard(response);
      Token fresh = authenticate(ref, challenge, scope);
      tokens.put(key, fresh);
      response = send(ref, uri, accept, fresh.header());
      if (response.statusCode() == 401 || response.statusCode() == 403) {
        discard(response);
        throw new ImageException(
            where(ref)
                + ": the registry refused access ("
                + response.statusCode()
                + ") with "
                + (credentials.forRegistry(ref.registry()).isPresent()
                    ? "the configured credentials"
                    : "anonymous access"));
      }
    }
    return response;
  }

  private HttpResponse<InputStream> send(
      RegistryReference ref, URI uri, String accept, String auth) {
    URI target = uri;
    String authorization = auth;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(target).timeout(settings.timeout()).header("Accept", accept).GET();
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      HttpResponse<InputStream> response;
      try {
        response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new ImageException(
            where(ref) + ": cannot reach " + target.getHost() + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImageException(where(ref) + ": interrupted", e);
      }
      int status = response.statusCode();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        String location = response.headers().firstValue("Location").orElse(null);
        discard(response);
        if (location == null) {
          throw new ImageException(where(ref) + ": redirect " + status + " without a Location");
        }
        // blob storage elsewhere: the registry's credentials are not sent there
        URI next = target.resolve(location);
        if (!next.getHost().equalsIgnoreCase(target.getHost())
            || next.getPort() != target.getPort()) {
          authorization = null;
        }
        target = next;
        continue;
      }
      return response;
    }
    throw new ImageException(where(ref) + ": more than " + MAX_REDIRECTS + " redirects");
  }

  private Token authenticate(RegistryReference ref, String challenge, String scope) {
    Optional<Credentials> creds = credentials.forRegistry(ref.registry());
    String scheme = challenge.split(" ", 2)[0].toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    if (scheme.equals("basic")) {
      Credentials c =
          creds.orElseThrow(
              () ->
                  new ImageException(
                      where(ref) + ": the registry asks for basic credentials; none configured"));
      return new Token(c.basic(), now.plus(Duration.ofHours(1)));
    }
    if (!scheme.equals("bearer")) {
      throw new ImageException(
          where(ref)
              + ": the registry answered 401 with an unsupported challenge '"
              + scheme
              + "'");
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null || realm.isBlank()) {
      throw new ImageException(where(ref) + ": the registry's Bearer challenge has no realm");
    }
    StringBuilder url = new StringBuilder(realm);
    char sep = realm.contains("?") ? '&' : '?';
    if (params.containsKey("service")) {
      url.append(sep).append("service=").append(enc(params.get("service")));
      sep = '&';
    }
    url.append(sep).append("scope=").append(enc(params.getOrDefault("scope", scope)));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url.toString())).timeout(settings.timeout()).GET();
    creds.ifPresent(c -> b.header("Authorization", c.basic()));
    HttpResponse<byte[]> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ImageException(
          where(ref) + ": cannot reach the token service " + realm + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException(where(ref) + ": interrupted", e);
    } catch (IllegalArgumentException e) {
      throw new ImageException(where(ref) + ": bad token realm '" + realm + "'", e);
    }
    if (response.statusCode() != 200) {
      throw new ImageException(
          where(ref)
              + ": the token service "
              + realm
              + " answered "
              + response.statusCode()
              + (creds.isPresent() ? " for the configured credentials" : " for anonymous access"));
    }
    JsonNode body = parse(response.body(), "token response");
    String token = body.path("token").asText(body.path("access_token").asText(""));
    if (token.isBlank()) {
      throw new ImageException(where(ref) + ": the token service " + realm + " gave no token");
    }
    long seconds = Math.max(60, body.path("expires_in").asLong(60));
    return new Token("Bearer " + token, now.plusSeconds(seconds - 10));
  }

  private static void requireOk(
      RegistryReference ref, HttpResponse<InputStream> response, InputStream body, String what)
      throws IOException {
    int status = response.statusCode();
    if (status == 200) {
      return;
    }
    byte[] snippet = body.readNBytes(300);
    throw new ImageException(
        where(ref)
            + ": "
            + what
            + ": the registry answered "
            + status
            + (snippet.length == 0 ? "" : ": " + new String(snippet, StandardCharsets.UTF_8)));
  }

  private static byte[] readLimited(InputStream in, long max, RegistryReference ref, String what)
      throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (bytes.length > max) {
      throw new ImageException(where(ref) + ": " + what + " is larger than " + max + " bytes");
    }
    return bytes;
  }

  private static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // nothing to keep
    }
  }

  private static JsonNode parse(byte[] bytes, String what) {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new ImageException(what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new ImageException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String where(RegistryReference ref) {
    return "registry " + ref.registry() + " repository " + ref.repository();
  }
}
