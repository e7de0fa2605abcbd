package io.stevedore.securitygate.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds small, real images in tests: layer tars (optionally gzipped), a config, and either an OCI
 * image layout (directory or tar) or a {@code docker save} tar.
 */
public final class TestImage {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Every tar entry gets this time, so a layer's bytes (and digest) do not depend on when it was
   * built: the config's diff_ids and the blobs are computed from separate builds of the same layer.
   */
  private static final java.util.Date MTIME =
      java.util.Date.from(java.time.Instant.parse("2026-01-01T00:00:00Z"));

  private final List<Layer> layers = new ArrayList<>();
  private String user = "";
  private final List<String> env = new ArrayList<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final List<String> ports = new ArrayList<>();
  private String manifestDigest;
  private String configDigest;

  public TestImage user(String user) {
    this.user = user;
    return this;
  }

  public TestImage env(String entry) {
    env.add(entry);
    return this;
  }

  public TestImage label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  public TestImage port(String port) {
    ports.add(port);
    return this;
  }

  public TestImage layer(Layer layer) {
    layers.add(layer);
    return this;
  }

  /** The manifest digest of the last OCI layout written. */
  public String manifestDigest() {
    return manifestDigest;
  }

  /** The config digest (the image id of a docker save tar) of the last image written. */
  public String configDigest() {
    return configDigest;
  }

  /** One layer's entries, in order. */
  public static final class Layer {
    private final List<Object[]> entries = new ArrayList<>();
    private boolean gzip = true;
    private byte[] raw;

    /** A layer whose blob is exactly these bytes, whatever they are. */
    public static Layer raw(byte[] blob) {
      Layer layer = new Layer();
      layer.raw = blob;
      layer.gzip = false;
      return layer;
    }

    public static Layer create() {
      return new Layer();
    }

    public Layer plain() {
      gzip = false;
      return this;
    }

    public Layer file(String path, String text) {
      return file(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public Layer file(String path, byte[] content) {
      entries.add(new Object[] {"file", path, content});
      return this;
    }

    public Layer dir(String path) {
      entries.add(new Object[] {"dir", path, null});
      return this;
    }

    /** Deletes {@code path} from lower layers. */
    public Layer whiteout(String path) {
      int slash = path.lastIndexOf('/');
      String wh =
          slash < 0
              ? ".wh." + path
              : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
      entries.add(new Object[] {"file", wh, new byte[0]});
      return this;
    }

    /** Hides everything lower layers put under {@code dir}. */
    public Layer opaque(String dir) {
      entries.add(new Object[] {"file", dir + "/.wh..wh..opq", new byte[0]});
      return this;
    }

    /** The uncompressed tar. */
    public byte[] tar() {
      if (raw != null) {
        return raw;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Object[] e : entries) {
          if (e[0].equals("dir")) {
            TarArchiveEntry entry = new TarArchiveEntry("./" + e[1] + "/");
            entry.setModTime(MTIME);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
          } else {
            byte[] content = (byte[]) e[2];
            TarArchiveEntry entry = new TarArchiveEntry("./" + e[1]);
            entry.setModTime(MTIME);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    byte[] blob() {
      return gzip ? gzip(tar()) : tar();
    }

    boolean gzipped() {
      return gzip;
    }
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private byte[] config() {
    ObjectNode root = JSON.createObjectNode();
    root.put("architecture", "amd64");
    root.put("os", "linux");
    ObjectNode c = root.putObject("config");
    c.put("User", user);
    ArrayNode e = c.putArray("Env");
    env.forEach(e::add);
    ObjectNode l = c.putObject("Labels");
    labels.forEach(l::put);
    ObjectNode p = c.putObject("ExposedPorts");
    ports.forEach(port -> p.putObject(port));
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    layers.forEach(layer -> ids.add(Digests.sha256(layer.tar())));
    return bytes(root);
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Files of an OCI layout, by path. Tests may alter them before writing. */
  public Map<String, byte[]> ociFiles() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    byte[] config = config();
    configDigest = Digests.sha256(config);
    files.put(ImageReader.blobPath(configDigest), config);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", ImageReader.OCI_MANIFEST);
    ObjectNode cd = manifest.putObject("config");
    cd.put("mediaType", "application/vnd.oci.image.config.v1+json");
    cd.put("digest", configDigest);
    cd.put("size", config.length);
    ArrayNode ls = manifest.putArray("layers");
    for (Layer layer : layers) {
      byte[] blob = layer.blob();
      String digest = Digests.sha256(blob);
      files.put(ImageReader.blobPath(digest), blob);
      ObjectNode d = ls.addObject();
      d.put(
          "mediaType",
          layer.gzipped()
              ? "application/vnd.oci.image.layer.v1.tar+gzip"
              : "application/vnd.oci.image.layer.v1.tar");
      d.put("digest", digest);
      d.put("size", blob.length);
    }
    byte[] manifestBytes = bytes(manifest);
    manifestDigest = Digests.sha256(manifestBytes);
    files.put(ImageReader.blobPath(manifestDigest), manifestBytes);
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode md = index.putArray("manifests").addObject();
    md.put("mediaType", ImageReader.OCI_MANIFEST);
    md.put("digest", manifestDigest);
    md.put("size", manifestBytes.length);
    md.putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
    files.put("index.json", bytes(index));
    return files;
  }

  /** Files of a {@code docker save} tar, by path. */
  public Map<String, byte[]> dockerSaveFiles() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] config = config();
    configDigest = Digests.sha256(config);
    String configPath = Digests.hex(configDigest) + ".json";
    files.put(configPath, config);
    ArrayNode manifest = JSON.createArrayNode();
    ObjectNode m = manifest.addObject();
    m.put("Config", configPath);
    m.putArray("RepoTags").add("example/app:latest");
    ArrayNode ls = m.putArray("Layers");
    int i = 0;
    for (Layer layer : layers) {
      String path = "layer" + i++ + "/layer.tar";
      files.put(path, layer.tar());
      ls.add(path);
    }
    try {
      files.put("manifest.json", JSON.writeValueAsBytes(manifest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  public Path writeOciDirectory(Path dir) {
    return writeDirectory(dir, ociFiles());
  }

  public Path writeOciTar(Path file) {
    return writeTar(file, ociFiles());
  }

  public Path writeDockerSave(Path file) {
    return writeTar(file, dockerSaveFiles());
  }

  public static Path writeDirectory(Path dir, Map<String, byte[]> files) {
    try {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Path p = dir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  public static Path writeTar(Path file, Map<String, byte[]> files) {
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
        entry.setModTime(MTIME);
        entry.setSize(f.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** A jar with a Maven {@code pom.properties}, a manifest, and optionally nested jars. */
  public static byte[] jar(
      String group, String artifact, String version, Map<String, byte[]> nested) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream jar = new JarOutputStream(out, mf)) {
      if (group != null) {
        jar.putNextEntry(
            new JarEntry("META-INF/maven/" + group + "/" + artifact + "/pom.properties"));
        jar.write(
            ("groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n")
                .getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
      }
      for (Map.Entry<String, byte[]> n : nested.entrySet()) {
        jar.putNextEntry(new JarEntry(n.getKey()));
        jar.write(n.getValue());
        jar.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A jar with only a manifest naming its title and version. */
  public static byte[] manifestOnlyJar(String title, String version) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, title);
    mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    try (JarOutputStream jar = new JarOutputStream(out, mf)) {
      jar.putNextEntry(new JarEntry("a/A.class"));
      jar.write(new byte[] {(byte) 0xca, (byte) 0xfe});
      jar.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
