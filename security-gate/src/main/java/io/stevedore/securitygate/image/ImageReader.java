package io.stevedore.securitygate.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reads an image pinned by digest from an OCI image layout (a directory or a tar) or from a {@code
 * docker save} tar: index, manifest, config and layers, verifying every blob's sha256, applying the
 * layers in order into an in-memory view that keeps only the files the inventory and the secret
 * scan need.
 *
 * <p>Every failure (corrupt tar, digest mismatch, layer over the size bound, unknown media type) is
 * an {@link ImageException} that says which blob and why.
 */
public final class ImageReader {

  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  private static final Set<String> LAYER_TYPES =
      Set.of(
          "application/vnd.oci.image.layer.v1.tar",
          "application/vnd.oci.image.layer.v1.tar+gzip",
          "application/vnd.oci.image.layer.nondistributable.v1.tar",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
          "application/vnd.docker.image.rootfs.diff.tar",
          "application/vnd.docker.image.rootfs.diff.tar.gzip",
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The annotation OCI layouts use for a manifest's tag. */
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** The annotation on a pulled image's descriptor naming the index it was chosen from. */
  static final String INDEX_DIGEST_ANNOTATION = "io.stevedore.gate.index-digest";

  /** The layer annotation holding a cosign signature. */
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  private static final java.util.regex.Pattern SIGNATURE_TAG =
      java.util.regex.Pattern.compile("sha256-[0-9a-f]{64}\\.sig");

  /** Whether {@code mediaType} is a layer type this reader can apply. */
  public static boolean isLayerType(String mediaType) {
    return LAYER_TYPES.contains(mediaType);
  }

  /** Whether {@code mediaType} is an image index or a Docker manifest list. */
  public static boolean isIndexType(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }

  /** Whether {@code mediaType} is an OCI or Docker v2 schema 2 image manifest. */
  public static boolean isManifestType(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  private final ImageLimits limits;

  public ImageReader(ImageLimits limits) {
    this.limits = limits;
  }

  /**
   * Reads the image at {@code path}: an OCI layout when it has {@code index.json}, else a {@code
   * docker save} tar when it has {@code manifest.json}.
   *
   * @param expectedDigest the digest the image is pinned to, or null to take the only image
   */
  public ImageContents read(Path path, String expectedDigest) {
    if (expectedDigest != null) {
      Digests.require(expectedDigest);
    }
    try (ArchiveSource source = ArchiveSource.of(path)) {
      if (source.exists("index.json")) {
        return readOci(source, expectedDigest);
      }
      if (source.exists("manifest.json")) {
        return readDockerSave(source, expectedDigest);
      }
      throw new ImageException(
          "'"
              + path.getFileName()
              + "' has neither index.json (OCI layout) nor manifest.json"
              + " (docker save)");
    } catch (IOException e) {
      throw new ImageException(
          "cannot read image '" + path.getFileName() + "': " + e.getMessage(), e);
    }
  }

  /**
   * The digest {@link #read} would pin the image to, found from the index or {@code manifest.json}
   * and the config alone, without reading any layer: cheap enough to look a cached verdict up
   * before reading the image. The manifest (OCI) is verified when the image is read.
   *
   * @param expectedDigest the digest the image is pinned to, or null to take the only image
   */
  public String identify(Path path, String expectedDigest) {
    if (expectedDigest != null) {
      Digests.require(expectedDigest);
    }
    try (ArchiveSource source = ArchiveSource.of(path)) {
      if (source.exists("index.json")) {
        JsonNode index = json(readAll(source, "index.json", "index.json"), "index.json");
        return selectManifest(source, index, expectedDigest, 0);
      }
      if (source.exists("manifest.json")) {
        JsonNode manifests =
            json(readAll(source, "manifest.json", "manifest.json"), "manifest.json");
        if (!manifests.isArray() || manifests.isEmpty()) {
          throw new ImageException("manifest.json lists no images");
        }
        List<String> digests = new ArrayList<>();
        for (JsonNode m : manifests) {
          String configPath = m.path("Config").asText(null);
          if (configPath == null) {
            throw new ImageException("manifest.json has an image without Config");
          }
          String digest = Digests.sha256(readAll(source, configPath, "config " + configPath));
          if (digest.equals(expectedDigest)) {
            return digest;
          }
          digests.add(digest);
        }
        if (expectedDigest != null) {
          throw new ImageException(
              "the docker archive has no image with config digest " + expectedDigest);
        }
        if (digests.size() > 1) {
          throw new ImageException(
              "manifest.json lists " + digests.size() + " images; pin one by digest");
        }
        return digests.get(0);
      }
      throw new ImageException(
          "'"
              + path.getFileName()
              + "' has neither index.json (OCI layout) nor manifest.json"
              + " (docker save)");
    } catch (IOException e) {
      throw new ImageException(
          "cannot read image '" + path.getFileName() + "': " + e.getMessage(), e);
    }
  }

  private ImageContents readOci(ArchiveSource source, String expectedDigest) throws IOException {
    JsonNode index = json(readAll(source, "index.json", "index.json"), "index.json");
    String manifestDigest = selectManifest(source, index, expectedDigest, 0);
    JsonNode manifest = blobJson(source, manifestDigest, "manifest");
    String mediaType = manifest.path("mediaType").asText(OCI_MANIFEST);
    if (!mediaType.equals(OCI_MANIFEST) && !mediaType.equals(DOCKER_MANIFEST)) {
      throw new ImageException(
          "manifest " + manifestDigest + " has unknown media type '" + mediaType + "'");
    }
    String configDigest = Digests.require(manifest.path("config").path("digest").asText(null));
    JsonNode config = blobJson(source, configDigest, "config");
    List<String> diffIds = diffIds(config);
    LayerApplier applier = new LayerApplier(limits);
    List<String> layerDigests = new ArrayList<>();
    int i = 0;
    for (JsonNode layer : manifest.path("layers")) {
      String digest = Digests.require(layer.path("digest").asText(null));
      String type = layer.path("mediaType").asText("");
      if (!LAYER_TYPES.contains(type)) {
        throw new ImageException("layer " + digest + " has unknown media type '" + type + "'");
      }
      String diffId = i < diffIds.size() ? diffIds.get(i) : null;
      applyLayer(source, blobPath(digest), digest, diffId, applier);
      layerDigests.add(digest);
      i++;
    }
    String indexDigest = null;
    for (JsonNode m : index.path("manifests")) {
      if (m.path("digest").asText("").equals(manifestDigest)) {
        indexDigest = m.path("annotations").path(INDEX_DIGEST_ANNOTATION).asText(null);
      }
    }
    return new ImageContents(
        manifestDigest,
        configDigest,
        parseConfig(config),
        layerDigests,
        applier.files(),
        applier.skipped(),
        indexDigest,
        signatures(source, index));
  }

  /** The cosign signature manifests of the layout's index ({@code sha256-<hex>.sig}). */
  private List<CosignSignature> signatures(ArchiveSource source, JsonNode index)
      throws IOException {
    List<CosignSignature> out = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      String tag = m.path("annotations").path(REF_NAME).asText("");
      if (!SIGNATURE_TAG.matcher(tag).matches()) {
        continue;
      }
      String target = "sha256:" + tag.substring("sha256-".length(), tag.length() - ".sig".length());
      String digest = Digests.require(m.path("digest").asText(null));
      JsonNode manifest = blobJson(source, digest, "signature manifest");
      for (JsonNode layer : manifest.path("layers")) {
        String layerDigest = Digests.require(layer.path("digest").asText(null));
        byte[] payload = readAll(source, blobPath(layerDigest), "signature payload " + layerDigest);
        String actual = Digests.sha256(payload);
        if (!actual.equals(layerDigest)) {
          throw new ImageException(
              "signature payload " + layerDigest + " has digest " + actual + "; it was altered");
        }
        out.add(
            new CosignSignature(
                target,
                payload,
                layer.path("annotations").path(SIGNATURE_ANNOTATION).asText(null)));
      }
    }
    return out;
  }

  private static boolean isSignature(JsonNode descriptor) {
    return SIGNATURE_TAG
        .matcher(descriptor.path("annotations").path(REF_NAME).asText(""))
        .matches();
  }

  private String selectManifest(
      ArchiveSource source, JsonNode index, String expectedDigest, int depth) throws IOException {
    if (depth > 2) {
      throw new ImageException("image indexes nest deeper than 2 levels");
    }
    List<JsonNode> manifests = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      if (!isSignature(m)) {
        manifests.add(m);
      }
    }
    if (manifests.isEmpty()) {
      throw new ImageException("the image index lists no manifests");
    }
    for (JsonNode m : manifests) {
      if (m.path("digest").asText("").equals(expectedDigest)) {
        return manifestOrNested(source, m, expectedDigest, depth);
      }
    }
    if (expectedDigest != null) {
      // the pinned digest may be a manifest inside a nested index
      for (JsonNode m : manifests) {
        String type = m.path("mediaType").asText("");
        if (type.equals(OCI_INDEX) || type.equals(DOCKER_LIST)) {
          try {
            return manifestOrNested(source, m, expectedDigest, depth);
          } catch (ImageException e) {
            // not in this one
          }
        }
      }
      throw new ImageException("the image layout has no manifest with digest " + expectedDigest);
    }
    if (manifests.size() > 1) {
      throw new ImageException(
          "the image index lists " + manifests.size() + " manifests; pin one by digest");
    }
    return manifestOrNested(source, manifests.get(0), null, depth);
  }

  private String manifestOrNested(
      ArchiveSource source, JsonNode descriptor, String expectedDigest, int depth)
      throws IOException {
    String digest = Digests.require(descriptor.path("digest").asText(null));
    String type = descriptor.path("mediaType").asText("");
    if (type.equals(OCI_INDEX) || type.equals(DOCKER_LIST)) {
      JsonNode nested = blobJson(source, digest, "index");
      if (digest.equals(expectedDigest)) {
        return selectManifest(source, nested, null, depth + 1);
      }
      return selectManifest(source, nested, expectedDigest, depth + 1);
    }
    if (!type.isEmpty() && !type.equals(OCI_MANIFEST) && !type.equals(DOCKER_MANIFEST)) {
      throw new ImageException("manifest " + digest + " has unknown media type '" + type + "'");
    }
    return digest;
  }

  private ImageContents readDockerSave(ArchiveSource source, String expectedDigest)
      throws IOException {
    JsonNode manifests = json(readAll(source, "manifest.json", "manifest.json"), "manifest.json");
    if (!manifests.isArray() || manifests.isEmpty()) {
      throw new ImageException("manifest.json lists no images");
    }
    JsonNode chosen = null;
    byte[] configBytes = null;
    String configDigest = null;
    for (JsonNode m : manifests) {
      String configPath = m.path("Config").asText(null);
      if (configPath == null) {
        throw new ImageException("manifest.json has an image without Config");
      }
      byte[] bytes = readAll(source, configPath, "config " + configPath);
      String digest = Digests.sha256(bytes);
      if (expectedDigest == null || digest.equals(expectedDigest)) {
        if (chosen != null) {
          throw new ImageException(
              "manifest.json lists " + manifests.size() + " images; pin one by digest");
        }
        chosen = m;
        configBytes = bytes;
        configDigest = digest;
      }
    }
    if (chosen == null) {
      throw new ImageException(
          "the docker archive has no image with config digest " + expectedDigest);
    }
    String pathHex = hexFromBlobPath(chosen.path("Config").asText());
    if (pathHex != null && !configDigest.equals("sha256:" + pathHex)) {
      throw new ImageException(
          "config " + chosen.path("Config").asText() + " has digest " + configDigest);
    }
    JsonNode config = json(configBytes, "config");
    List<String> diffIds = diffIds(config);
    JsonNode layers = chosen.path("Layers");
    if (layers.size() != diffIds.size()) {
      throw new ImageException(
          "manifest.json lists " + layers.size() + " layers, the config " + diffIds.size());
    }
    LayerApplier applier = new LayerApplier(limits);
    int i = 0;
    for (JsonNode layer : layers) {
      String path = layer.asText();
      String hex = hexFromBlobPath(path);
      applyLayer(source, path, hex == null ? null : "sha256:" + hex, diffIds.get(i), applier);
      i++;
    }
    return new ImageContents(
        configDigest,
        configDigest,
        parseConfig(config),
        diffIds,
        applier.files(),
        applier.skipped());
  }

  private void applyLayer(
      ArchiveSource source, String path, String digest, String diffId, LayerApplier applier)
      throws IOException {
    String name = digest != null ? digest : path;
    try (InputStream raw = source.open(path)) {
      DigestInputStream compressed = new DigestInputStream(raw, Digests.sha256());
      BufferedInputStream buffered = new BufferedInputStream(compressed, 65536);
      buffered.mark(4);
      byte[] magic = buffered.readNBytes(4);
      buffered.reset();
      InputStream tar;
      if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        tar = new GZIPInputStream(buffered, 65536);
      } else if (magic.length == 4
          && (magic[0] & 0xff) == 0x28
          && (magic[1] & 0xff) == 0xb5
          && (magic[2] & 0xff) == 0x2f
          && (magic[3] & 0xff) == 0xfd) {
        throw new ImageException("layer " + name + " is zstd-compressed, which is not supported");
      } else {
        tar = buffered;
      }
      DigestInputStream uncompressed = new DigestInputStream(tar, Digests.sha256());
      applier.apply(uncompressed, name);
      compressed.transferTo(OutputStream.nullOutputStream());
      if (digest != null) {
        String actual = Digests.format(compressed.getMessageDigest());
        if (!actual.equals(digest)) {
          throw new ImageException(
              "layer " + digest + " has digest " + actual + "; it was altered");
        }
      }
      if (diffId != null) {
        String actual = Digests.format(uncompressed.getMessageDigest());
        if (!actual.equals(diffId)) {
          throw new ImageException(
              "layer "
                  + name
                  + " uncompressed has digest "
                  + actual
                  + ", the config says "
                  + diffId);
        }
      }
    } catch (ImageException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageException("layer " + name + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static String hexFromBlobPath(String path) {
    String p = LayerApplier.clean(path);
    if (p.startsWith("blobs/sha256/")) {
      String hex = p.substring("blobs/sha256/".length());
      if (hex.matches("[0-9a-f]{64}")) {
        return hex;
      }
    }
    return null;
  }

  static String blobPath(String digest) {
    return "blobs/sha256/" + Digests.hex(digest);
  }

  private JsonNode blobJson(ArchiveSource source, String digest, String what) throws IOException {
    byte[] bytes = readAll(source, blobPath(digest), what + " " + digest);
    String actual = Digests.sha256(bytes);
    if (!actual.equals(digest)) {
      throw new ImageException(what + " " + digest + " has digest " + actual + "; it was altered");
    }
    return json(bytes, what + " " + digest);
  }

  private byte[] readAll(ArchiveSource source, String path, String what) throws IOException {
    if (!source.exists(path)) {
      throw new ImageException("the image has no " + what + " (" + path + ")");
    }
    try (InputStream in = source.open(path)) {
      byte[] bytes =
          in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxBlobBytes() + 1));
      if (bytes.length > limits.maxBlobBytes()) {
        throw new ImageException(what + " is larger than " + limits.maxBlobBytes() + " bytes");
      }
      return bytes;
    }
  }

  private static JsonNode json(byte[] bytes, String what) {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new ImageException(what + " is empty");
      }
      return node;
    } catch (IOException e) {
      throw new ImageException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static List<String> diffIds(JsonNode config) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : config.path("rootfs").path("diff_ids")) {
      out.add(Digests.require(d.asText()));
    }
    return out;
  }

  static ImageConfig parseConfig(JsonNode config) {
    JsonNode c = config.path("config");
    List<String> env = new ArrayList<>();
    c.path("Env").forEach(e -> env.add(e.asText()));
    Map<String, String> labels = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.path("Labels").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      labels.put(e.getKey(), e.getValue().asText());
    }
    Set<String> ports = new LinkedHashSet<>();
    c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    return new ImageConfig(
        c.path("User").asText(""),
        env,
        labels,
        ports,
        config.path("os").asText(""),
        config.path("architecture").asText(""));
  }
}
