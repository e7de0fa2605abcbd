package io.stevedore.securitygate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.image.Digests;
import io.stevedore.securitygate.image.ImageContents;
import io.stevedore.securitygate.image.ImageException;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.policy.Finding;
import io.stevedore.securitygate.policy.Policy;
import io.stevedore.securitygate.policy.PolicyParser;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.Verdict;
import io.stevedore.securitygate.verdict.VerdictCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a registry served in the test, with token auth, and verifies cosign signatures. */
class RegistryClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  final TestRegistry registry = new TestRegistry();

  @AfterEach
  void stop() {
    registry.close();
  }

  static TestImage image() {
    return new TestImage()
        .user("app")
        .layer(
            TestImage.Layer.create()
                .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
                .file("etc/test-id", UUID.randomUUID().toString()));
  }

  RegistryClient client(ImageLimits limits, RegistryClient.CredentialSource creds) {
    return new RegistryClient(limits, RegistryClient.Settings.defaults(), creds, Clock.systemUTC());
  }

  RegistryClient client() {
    return client(ImageLimits.defaults(), r -> Optional.empty());
  }

  RegistryReference ref(String repoAndTag) {
    return RegistryReference.parse(registry.registry() + "/" + repoAndTag);
  }

  @Test
  void pullsByTagThroughATokenChallengeAndTheLayoutReadsBack() {
    TestImage image = image();
    String digest = registry.push("team/app", "1.0", image);
    RegistryClient client = client();

    RegistryClient.Resolution resolved = client.resolve(ref("team/app:1.0"));
    assertThat(resolved.digest()).isEqualTo(digest);
    assertThat(resolved.indexDigest()).isNull();
    assertThat(registry.tokenRequests()).isEqualTo(1);

    RegistryClient.Pulled pulled =
        client.pull(ref("team/app:1.0"), resolved.digest(), null, tmp.resolve("pull"));
    // the token is reused for the blobs
    assertThat(registry.tokenRequests()).isEqualTo(1);
    ImageContents contents = new ImageReader(ImageLimits.defaults()).read(pulled.layout(), digest);
    assertThat(contents.digest()).isEqualTo(digest);
    assertThat(contents.files()).containsKey("etc/os-release");
    assertThat(contents.signatures()).isEmpty();
  }

  @Test
  void anIndexIsNarrowedToTheConfiguredPlatform() throws Exception {
    String amd64 = registry.push("team/multi", null, image());
    String arm64 = registry.push("team/multi", null, image());
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", ImageReader.OCI_INDEX);
    ArrayNode ms = index.putArray("manifests");
    for (String[] p : new String[][] {{arm64, "arm64"}, {amd64, "amd64"}}) {
      ObjectNode d = ms.addObject();
      d.put("mediaType", ImageReader.OCI_MANIFEST);
      d.put("digest", p[0]);
      d.put("size", 1);
      d.putObject("platform").put("os", "linux").put("architecture", p[1]);
    }
    String indexDigest =
        registry.putManifest(
            "team/multi", "2.0", ImageReader.OCI_INDEX, JSON.writeValueAsBytes(index));

    RegistryClient.Resolution resolved = client().resolve(ref("team/multi:2.0"));

    assertThat(resolved.digest()).isEqualTo(amd64);
    assertThat(resolved.indexDigest()).isEqualTo(indexDigest);
  }

  @Test
  void aManifestWhoseDigestDoesNotMatchIsRefused() {
    String digest = registry.push("team/app", "1.0", image());
    registry.alter(digest, "{\"schemaVersion\":2,\"mediaType\":\"x\"}".getBytes());

    assertThatThrownBy(() -> client().resolve(ref("team/app@" + digest)))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("altered");
    assertThatThrownBy(() -> client().resolve(ref("team/app:1.0")))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("altered");
  }

  @Test
  void aTamperedLayerIsRefused() {
    TestImage image = image();
    String digest = registry.push("team/app", "1.0", image);
    String layer =
        image.ociFiles().keySet().stream()
            .filter(p -> p.startsWith("blobs/"))
            .map(p -> "sha256:" + p.substring("blobs/sha256/".length()))
            .filter(d -> !d.equals(image.manifestDigest()) && !d.equals(image.configDigest()))
            .findFirst()
            .orElseThrow();
    registry.alter(layer, TestImage.gzip("not the layer".getBytes()));

    assertThatThrownBy(() -> client().pull(ref("team/app:1.0"), digest, null, tmp.resolve("pull")))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("layer " + layer);
  }

  @Test
  void anUnknownManifestMediaTypeIsRefused() {
    registry.putManifest(
        "team/old",
        "v1",
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "{\"schemaVersion\":1,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}"
            .getBytes());

    assertThatThrownBy(() -> client().resolve(ref("team/old:v1")))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("unknown media type")
        .hasMessageContaining("v1+prettyjws");
  }

  @Test
  void aBlobOverTheLimitIsRefusedBeforeAndWhileDownloading() {
    TestImage big =
        new TestImage()
            .layer(TestImage.Layer.create().plain().file("data.bin", new byte[64 * 1024]));
    String digest = registry.push("team/big", "1", big);
    ImageLimits small = new ImageLimits(16 * 1024, 4L << 20, 1 << 20, 1 << 16, 1 << 20);

    assertThatThrownBy(
            () ->
                client(small, r -> Optional.empty())
                    .pull(ref("team/big:1"), digest, null, tmp.resolve("a")))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("over the limit of 16384");
    assertThat(tmp.resolve("a/index.json")).doesNotExist();
  }

  @Test
  void credentialsAreGivenToTheTokenService() {
    registry.requireCredentials("robot", "s3cret");
    String digest = registry.push("team/private", "1", image());

    assertThatThrownBy(() -> client().resolve(ref("team/private:1")))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("answered 401 for anonymous access")
        .hasMessageNotContaining("s3cret");
    RegistryClient withCreds =
        client(
            ImageLimits.defaults(),
            r ->
                r.equals(registry.registry())
                    ? Optional.of(new RegistryClient.Credentials("robot", "s3cret"))
                    : Optional.empty());
    assertThat(withCreds.resolve(ref("team/private:1")).digest()).isEqualTo(digest);
    assertThat(new RegistryClient.Credentials("robot", "s3cret").toString())
        .doesNotContain("s3cret");
  }

  // ------------------------------------------------------------------------------ cosign

  static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String pem(KeyPair keys) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static Policy signedPolicy(KeyPair keys) {
    StringBuilder yaml =
        new StringBuilder("team: etl\nforbidRoot: false\nsignature:\n  publicKey: |\n");
    for (String line : pem(keys).split("\n")) {
      yaml.append("    ").append(line).append('\n');
    }
    return PolicyParser.parse(yaml.toString());
  }

  Verdict verdictOfPulled(String repoTag, Policy policy) {
    RegistryClient client = client();
    RegistryClient.Resolution r = client.resolve(ref(repoTag));
    Path dir = tmp.resolve("pull-" + UUID.randomUUID());
    client.pull(ref(repoTag), r.digest(), r.indexDigest(), dir);
    SecurityGate gate =
        new SecurityGate(
            ImageLimits.defaults(), new AdvisoryIndex(), new VerdictCache(0), Clock.systemUTC());
    return gate.evaluateUncached(dir, r.digest(), ref(repoTag).toString(), policy).verdict();
  }

  @Test
  void aSignedImagePassesTheSignatureRule() throws Exception {
    KeyPair keys = keyPair();
    String digest = registry.push("team/app", "1", image());
    registry.sign("team/app", digest, digest, keys.getPrivate());

    Verdict v = verdictOfPulled("team/app:1", signedPolicy(keys));

    assertThat(v.status()).isEqualTo(Verdict.Status.PASS);
    assertThat(v.findings())
        .extracting(Finding::rule)
        .containsExactly(Finding.Rule.SIGNATURE_VERIFIED);
  }

  @Test
  void anUnsignedImageFailsWithSignatureMissing() throws Exception {
    registry.push("team/app", "1", image());

    Verdict v = verdictOfPulled("team/app:1", signedPolicy(keyPair()));

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.findings())
        .extracting(Finding::rule)
        .containsExactly(Finding.Rule.SIGNATURE_MISSING);
  }

  @Test
  void anImageSignedWithAnotherKeyFailsWithSignatureInvalid() throws Exception {
    String digest = registry.push("team/app", "1", image());
    registry.sign("team/app", digest, digest, keyPair().getPrivate());

    Verdict v = verdictOfPulled("team/app:1", signedPolicy(keyPair()));

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.findings())
        .extracting(Finding::rule)
        .containsExactly(Finding.Rule.SIGNATURE_INVALID);
    assertThat(v.findings().get(0).message()).contains("does not match the payload");
  }

  @Test
  void aSignatureOverAnotherDigestDoesNotCount() throws Exception {
    KeyPair keys = keyPair();
    String digest = registry.push("team/app", "1", image());
    String other = Digests.sha256("another image".getBytes());
    registry.sign("team/app", digest, other, keys.getPrivate());

    Verdict v = verdictOfPulled("team/app:1", signedPolicy(keys));

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.findings().get(0).message()).contains("names " + other);
  }

  @Test
  void aRescanKeepsTheSignatureFindingAndFailsWhenItWasNeverExamined() throws Exception {
    KeyPair keys = keyPair();
    String digest = registry.push("team/app", "1", image());
    registry.sign("team/app", digest, digest, keys.getPrivate());
    Policy policy = signedPolicy(keys);
    Verdict first = verdictOfPulled("team/app:1", policy);
    Path dir = tmp.resolve("again");
    client().pull(ref("team/app:1"), digest, null, dir);
    SecurityGate gate =
        new SecurityGate(
            ImageLimits.defaults(), new AdvisoryIndex(), new VerdictCache(0), Clock.systemUTC());
    var inventory = gate.read(dir, digest).inventory();

    assertThat(gate.reevaluate(inventory, null, policy, first.findings()).status())
        .isEqualTo(Verdict.Status.PASS);
    Verdict blind = gate.reevaluate(inventory, null, policy, java.util.List.of());
    assertThat(blind.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(blind.failures().get(0).message()).contains("not examined");
  }

  @Test
  void aLocalLayoutCarriesItsSignatureBesideTheImage() throws Exception {
    KeyPair keys = keyPair();
    String digest = registry.push("team/app", "1", image());
    registry.sign("team/app", digest, digest, keys.getPrivate());
    RegistryClient client = client();
    Path dir = tmp.resolve("layout");
    client.pull(ref("team/app:1"), digest, null, dir);
    assertThat(Files.readString(dir.resolve("index.json"))).contains(".sig");

    // the layout names two manifests; the signature one is not taken for the image
    ImageReader reader = new ImageReader(ImageLimits.defaults());
    assertThat(reader.identify(dir, null)).isEqualTo(digest);
    assertThat(reader.read(dir, null).signatures()).hasSize(1);
  }

  @Test
  void aPolicyWithAnUnreadableKeyIsRejected() {
    assertThatThrownBy(() -> PolicyParser.parse("team: etl\nsignature: {publicKey: 'not a key'}\n"))
        .hasMessageContaining("signature.publicKey");
    assertThatThrownBy(() -> PolicyParser.parse("team: etl\nsignature: {}\n"))
        .hasMessageContaining("exactly one of publicKey");
    assertThat(PolicyParser.parse("team: etl\nsignature: {keyRef: release}\n").signature().keyRef())
        .isEqualTo("release");
  }
}
