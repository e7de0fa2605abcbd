package io.stevedore.securitygate.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A virtual filesystem built by applying layer tars in order, keeping only the files a {@link
 * FileSelector} wants. Layers stream through once; nothing is written to disk.
 *
 * <p>Whiteouts follow the OCI image spec: {@code .wh.<name>} removes {@code <name>} (and all under
 * it) from lower layers, {@code .wh..wh..opq} removes everything under its directory from lower
 * layers; both leave what the same layer adds untouched. A file, link or directory in a higher
 * layer hides a lower file at the same path.
 */
final class LayerApplier {

  static final String WHITEOUT = ".wh.";
  static final String OPAQUE = ".wh..wh..opq";

  private final ImageLimits limits;
  private final TreeMap<String, byte[]> files = new TreeMap<>();
  private final Map<String, String> skipped = new LinkedHashMap<>();
  private long scanBytes;

  LayerApplier(ImageLimits limits) {
    this.limits = limits;
  }

  TreeMap<String, byte[]> files() {
    return files;
  }

  Map<String, String> skipped() {
    return skipped;
  }

  /** A tar path without {@code ./} or leading slashes, and without a trailing slash. */
  static String clean(String name) {
    String p = name.replace('\\', '/');
    while (p.startsWith("./") || p.startsWith("/")) {
      p = p.startsWith("./") ? p.substring(2) : p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** Applies one uncompressed layer tar on top of what is there. */
  void apply(InputStream layerTar, String layerDigest) throws IOException {
    Set<String> removedTrees = new HashSet<>();
    Set<String> opaqueDirs = new HashSet<>();
    Set<String> shadowed = new HashSet<>();
    Map<String, byte[]> added = new HashMap<>();
    List<String[]> hardLinks = new ArrayList<>();
    Bounded bounded = new Bounded(layerTar, limits.maxLayerBytes(), layerDigest);
    TarArchiveInputStream tar = new TarArchiveInputStream(bounded);
    TarArchiveEntry entry;
    try {
      while ((entry = tar.getNextEntry()) != null) {
        String path = clean(entry.getName());
        if (path.isEmpty() || path.equals(".")) {
          continue;
        }
        if (path.contains("../") || path.equals("..") || path.endsWith("/..")) {
          throw new ImageException(
              "layer "
                  + layerDigest
                  + " has an entry that leaves the root: '"
                  + entry.getName()
                  + "'");
        }
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash);
        String base = path.substring(slash + 1);
        if (base.equals(OPAQUE)) {
          opaqueDirs.add(dir);
          continue;
        }
        if (base.startsWith(WHITEOUT)) {
          String target = base.substring(WHITEOUT.length());
          removedTrees.add(dir.isEmpty() ? target : dir + "/" + target);
          continue;
        }
        shadowed.add(path);
        if (entry.isLink()) {
          hardLinks.add(new String[] {path, clean(entry.getLinkName())});
          continue;
        }
        if (!entry.isFile()) {
          continue;
        }
        byte[] content = keep(path, entry, tar);
        if (content != null) {
          added.put(path, content);
        }
      }
    } catch (ImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageException(
          "layer " + layerDigest + " is not a readable tar: " + e.getMessage(), e);
    }
    for (String tree : removedTrees) {
      removeTree(tree);
    }
    for (String dir : opaqueDirs) {
      if (dir.isEmpty()) {
        files.clear();
      } else {
        files.subMap(dir + "/", dir + "0").clear(); // '0' follows '/' in ASCII
      }
    }
    for (String path : shadowed) {
      files.remove(path);
    }
    files.putAll(added);
    for (String[] link : hardLinks) {
      byte[] target = files.get(link[1]);
      if (target != null && FileSelector.purpose(link[0]) != FileSelector.Purpose.NONE) {
        files.put(link[0], target);
      }
    }
  }

  private void removeTree(String path) {
    files.remove(path);
    files.subMap(path + "/", path + "0").clear();
  }

  private byte[] keep(String path, TarArchiveEntry entry, InputStream in) throws IOException {
    long size = entry.getSize();
    switch (FileSelector.purpose(path)) {
      case INVENTORY -> {
        if (size > limits.maxJarBytes()) {
          skipped.put(path, size + " bytes is over the limit of " + limits.maxJarBytes());
          return null;
        }
        return in.readNBytes((int) size);
      }
      case SCAN -> {
        if (size > limits.maxScanFileBytes()) {
          return null;
        }
        if (scanBytes + size > limits.maxScanTotalBytes()) {
          skipped.put(
              path, "the secret scan budget of " + limits.maxScanTotalBytes() + " bytes is spent");
          return null;
        }
        scanBytes += size;
        return in.readNBytes((int) size);
      }
      default -> {
        return null;
      }
    }
  }

  /** Counts bytes read and fails once a layer expands beyond its bound. */
  private static final class Bounded extends FilterInputStream {
    private final long max;
    private final String digest;
    private long count;

    Bounded(InputStream in, long max, String digest) {
      super(in);
      this.max = max;
      this.digest = digest;
    }

    private void add(long n) {
      if (n > 0) {
        count += n;
        if (count > max) {
          throw new ImageException(
              "layer " + digest + " expands to more than " + max + " bytes; refusing to read on");
        }
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      add(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      add(s);
      return s;
    }
  }
}
