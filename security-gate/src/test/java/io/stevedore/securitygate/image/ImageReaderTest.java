package io.stevedore.securitygate.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageReaderTest {

  @TempDir Path tmp;

  private final ImageReader reader = new ImageReader(ImageLimits.defaults());

  private static TestImage twoLayers() {
    return new TestImage()
        .user("1000:1000")
        .env("PATH=/usr/bin")
        .label("team", "etl")
        .port("8080/tcp")
        .layer(
            TestImage.Layer.create()
                .dir("var/lib/dpkg")
                .file("var/lib/dpkg/status", "Package: base-files\n")
                .file("etc/app/old.properties", "a=1")
                .file("etc/app/keep.yaml", "b: 2")
                .file("opt/cache/x.json", "{}")
                .file("usr/bin/tool", "binary, not kept"))
        .layer(
            TestImage.Layer.create()
                .plain()
                .whiteout("etc/app/old.properties")
                .opaque("opt/cache")
                .file("opt/cache/y.json", "{\"new\":true}"));
  }

  @Test
  void readsAnOciLayoutDirectoryApplyingWhiteouts() {
    TestImage image = twoLayers();
    Path dir = image.writeOciDirectory(tmp.resolve("layout"));

    ImageContents contents = reader.read(dir, image.manifestDigest());

    assertThat(contents.digest()).isEqualTo(image.manifestDigest());
    assertThat(contents.configDigest()).isEqualTo(image.configDigest());
    assertThat(contents.layerDigests()).hasSize(2);
    assertThat(contents.files().keySet())
        .containsExactly("etc/app/keep.yaml", "opt/cache/y.json", "var/lib/dpkg/status");
    assertThat(new String(contents.files().get("var/lib/dpkg/status"), StandardCharsets.UTF_8))
        .isEqualTo("Package: base-files\n");
    assertThat(contents.config().user()).isEqualTo("1000:1000");
    assertThat(contents.config().runsAsRoot()).isFalse();
    assertThat(contents.config().env()).containsExactly("PATH=/usr/bin");
    assertThat(contents.config().labels()).containsEntry("team", "etl");
    assertThat(contents.config().exposedPorts()).containsExactly("8080/tcp");
  }

  @Test
  void readsTheSameImageFromAnOciTarAndADockerSaveTar() {
    TestImage image = twoLayers();
    ImageContents fromDir = reader.read(image.writeOciDirectory(tmp.resolve("d")), null);
    ImageContents fromTar = reader.read(image.writeOciTar(tmp.resolve("oci.tar")), null);
    ImageContents fromDocker = reader.read(image.writeDockerSave(tmp.resolve("docker.tar")), null);

    assertThat(fromTar.digest()).isEqualTo(fromDir.digest());
    assertThat(fromTar.files().keySet()).isEqualTo(fromDir.files().keySet());
    assertThat(fromDocker.files().keySet()).isEqualTo(fromDir.files().keySet());
    assertThat(fromDocker.digest()).isEqualTo(image.configDigest());
    assertThat(fromDocker.config()).isEqualTo(fromDir.config());
  }

  @Test
  void whiteoutOfADirectoryRemovesEverythingBelowIt() {
    TestImage image =
        new TestImage()
            .layer(
                TestImage.Layer.create()
                    .file("app/lib/a.jar", TestImage.manifestOnlyJar("a", "1"))
                    .file("app/lib/b.jar", TestImage.manifestOnlyJar("b", "1")))
            .layer(TestImage.Layer.create().whiteout("app/lib"))
            .layer(
                TestImage.Layer.create()
                    .file("app/lib/c.jar", TestImage.manifestOnlyJar("c", "1")));

    ImageContents contents = reader.read(image.writeOciTar(tmp.resolve("i.tar")), null);

    assertThat(contents.files().keySet()).containsExactly("app/lib/c.jar");
  }

  @Test
  void refusesAnImageNotPinnedToTheGivenDigest() {
    Path tar = twoLayers().writeOciTar(tmp.resolve("i.tar"));
    String other = "sha256:" + "0".repeat(64);

    assertThatThrownBy(() -> reader.read(tar, other))
        .isInstanceOf(ImageException.class)
        .hasMessage("the image layout has no manifest with digest " + other);
    assertThatThrownBy(() -> reader.read(tar, "latest"))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("digest 'latest' is not of the form");
  }

  @Test
  void identifiesTheImageWithoutReadingItsLayers() throws Exception {
    TestImage image = twoLayers();
    Path oci = image.writeOciTar(tmp.resolve("oci.tar"));
    String manifest = image.manifestDigest();
    Path docker = image.writeDockerSave(tmp.resolve("docker.tar"));

    assertThat(reader.identify(oci, null)).isEqualTo(manifest);
    assertThat(reader.identify(oci, manifest)).isEqualTo(manifest);
    assertThat(reader.identify(docker, null)).isEqualTo(image.configDigest());
    // a layer that would fail the read does not matter to the identity
    Map<String, byte[]> files = image.ociFiles();
    files.replaceAll((p, b) -> b.length > 2 && b[0] == 0x1f ? new byte[] {0x1f, 0} : b);
    Path broken = TestImage.writeDirectory(tmp.resolve("broken"), files);
    assertThat(reader.identify(broken, null)).isEqualTo(image.manifestDigest());
    assertThatThrownBy(() -> reader.identify(oci, "sha256:" + "0".repeat(64)))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("no manifest with digest");
  }

  @Test
  void refusesALayerWhoseBytesDoNotMatchItsDigest() {
    TestImage image = twoLayers();
    Map<String, byte[]> files = image.ociFiles();
    String layerPath =
        files.keySet().stream()
            .filter(
                p -> p.startsWith("blobs/") && files.get(p).length > 2 && files.get(p)[0] == 0x1f)
            .findFirst()
            .orElseThrow();
    byte[] tampered =
        TestImage.gzip(
            TestImage.Layer.create().file("var/lib/dpkg/status", "Package: evil\n").tar());
    files.put(layerPath, tampered);
    Path dir = TestImage.writeDirectory(tmp.resolve("t"), files);

    assertThatThrownBy(() -> reader.read(dir, null))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("it was altered");
  }

  @Test
  void refusesAManifestWhoseBytesDoNotMatchItsDigest() {
    TestImage image = twoLayers();
    Map<String, byte[]> files = image.ociFiles();
    String path = ImageReader.blobPath(image.manifestDigest());
    files.put(path, (new String(files.get(path), StandardCharsets.UTF_8) + " ").getBytes());
    Path dir = TestImage.writeDirectory(tmp.resolve("m"), files);

    assertThatThrownBy(() -> reader.read(dir, image.manifestDigest()))
        .isInstanceOf(ImageException.class)
        .hasMessageStartingWith("manifest " + image.manifestDigest() + " has digest sha256:");
  }

  @Test
  void refusesALayerOfUnknownMediaType() throws Exception {
    TestImage image = twoLayers();
    Map<String, byte[]> files = image.ociFiles();
    ObjectMapper json = new ObjectMapper();
    String oldPath = ImageReader.blobPath(image.manifestDigest());
    ObjectNode manifest = (ObjectNode) json.readTree(files.remove(oldPath));
    ((ObjectNode) manifest.path("layers").get(0)).put("mediaType", "application/x-mystery");
    byte[] bytes = json.writeValueAsBytes(manifest);
    String digest = Digests.sha256(bytes);
    files.put(ImageReader.blobPath(digest), bytes);
    ObjectNode index = (ObjectNode) json.readTree(files.get("index.json"));
    ((ObjectNode) index.path("manifests").get(0)).put("digest", digest);
    files.put("index.json", json.writeValueAsBytes(index));
    Path dir = TestImage.writeDirectory(tmp.resolve("u"), files);

    assertThatThrownBy(() -> reader.read(dir, digest))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("has unknown media type 'application/x-mystery'");
  }

  @Test
  void refusesALayerThatExpandsBeyondTheLimit() {
    byte[] zeros = new byte[3 << 20];
    TestImage image = new TestImage().layer(TestImage.Layer.create().file("big.bin", zeros));
    Path tar = image.writeOciTar(tmp.resolve("bomb.tar"));
    ImageReader strict = new ImageReader(new ImageLimits(1 << 20, 1 << 20, 1 << 20, 1024, 4096));

    assertThat(Files.exists(tar)).isTrue();
    assertThatThrownBy(() -> strict.read(tar, null))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("expands to more than 1048576 bytes");
  }

  @Test
  void refusesACorruptTar() throws Exception {
    Path junk = tmp.resolve("junk.tar");
    byte[] bytes = new byte[2048];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    Files.write(junk, bytes);

    assertThatThrownBy(() -> reader.read(junk, null)).isInstanceOf(ImageException.class);
  }

  @Test
  void refusesACorruptLayer() {
    byte[] garbage = new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    TestImage image = new TestImage().layer(TestImage.Layer.raw(garbage));
    Path dir = image.writeOciDirectory(tmp.resolve("c"));

    assertThatThrownBy(() -> reader.read(dir, null))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("layer sha256:");
  }

  @Test
  void skipsJarsOverTheirSizeLimitAndSaysSo() {
    byte[] jar = TestImage.jar("com.example", "big", "1.0", Map.of("pad.bin", noise(8192)));
    TestImage image = new TestImage().layer(TestImage.Layer.create().file("app/big.jar", jar));
    ImageReader small = new ImageReader(new ImageLimits(1 << 20, 1 << 20, 1024, 1024, 4096));

    ImageContents contents = small.read(image.writeOciTar(tmp.resolve("j.tar")), null);

    assertThat(contents.files()).doesNotContainKey("app/big.jar");
    assertThat(contents.skipped()).containsKey("app/big.jar");
  }

  @Test
  void refusesADockerSaveLayerThatDoesNotMatchTheConfigsDiffId() {
    TestImage image = twoLayers();
    Map<String, byte[]> files = image.dockerSaveFiles();
    files.put(
        "layer0/layer.tar",
        TestImage.Layer.create().file("var/lib/dpkg/status", "Package: evil\n").tar());
    Path tar = TestImage.writeTar(tmp.resolve("d.tar"), files);

    assertThatThrownBy(() -> reader.read(tar, null))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("uncompressed has digest")
        .hasMessageContaining("the config says");
  }

  @Test
  void picksThePinnedManifestOutOfSeveral() throws Exception {
    TestImage first = new TestImage().user("a").layer(TestImage.Layer.create().file("a.txt", "a"));
    TestImage second = new TestImage().user("b").layer(TestImage.Layer.create().file("b.txt", "b"));
    Map<String, byte[]> files = new java.util.LinkedHashMap<>(first.ociFiles());
    Map<String, byte[]> more = second.ociFiles();
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = (ObjectNode) json.readTree(files.get("index.json"));
    ((com.fasterxml.jackson.databind.node.ArrayNode) index.path("manifests"))
        .add(json.readTree(more.get("index.json")).path("manifests").get(0));
    files.putAll(more);
    files.put("index.json", json.writeValueAsBytes(index));
    Path dir = TestImage.writeDirectory(tmp.resolve("multi"), files);

    assertThat(reader.read(dir, second.manifestDigest()).config().user()).isEqualTo("b");
    assertThat(reader.read(dir, first.manifestDigest()).config().user()).isEqualTo("a");
    assertThatThrownBy(() -> reader.read(dir, null))
        .isInstanceOf(ImageException.class)
        .hasMessage("the image index lists 2 manifests; pin one by digest");
  }

  private static byte[] noise(int n) {
    byte[] b = new byte[n];
    new java.util.Random(7).nextBytes(b);
    return b;
  }
}
