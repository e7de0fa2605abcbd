package io.stevedore.securitygate.image;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/** Files of an image layout, from a directory or a tar, opened by relative path. */
interface ArchiveSource extends Closeable {

  boolean exists(String path);

  /** Opens one file; the caller closes the stream. */
  InputStream open(String path) throws IOException;

  static ArchiveSource of(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return new Directory(path);
    }
    return new Tar(path);
  }

  /** A layout unpacked in a directory; paths may not escape it. */
  final class Directory implements ArchiveSource {
    private final Path root;

    Directory(Path root) {
      this.root = root.toAbsolutePath().normalize();
    }

    private Path resolve(String path) {
      Path p = root.resolve(path).normalize();
      if (!p.startsWith(root)) {
        throw new ImageException("path '" + path + "' leaves the image layout");
      }
      return p;
    }

    @Override
    public boolean exists(String path) {
      return Files.isRegularFile(resolve(path));
    }

    @Override
    public InputStream open(String path) throws IOException {
      Path p = resolve(path);
      if (!Files.isRegularFile(p)) {
        throw new ImageException("the image layout has no file '" + path + "'");
      }
      return Files.newInputStream(p);
    }

    @Override
    public void close() {}
  }

  /** A layout or {@code docker save} output in one tar, read with random access. */
  final class Tar implements ArchiveSource {
    private final TarFile tar;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();

    Tar(Path file) throws IOException {
      try {
        this.tar = new TarFile(file);
      } catch (IOException | RuntimeException e) {
        throw new ImageException(
            "'" + file.getFileName() + "' is not a readable tar: " + e.getMessage(), e);
      }
      for (TarArchiveEntry e : tar.getEntries()) {
        if (e.isFile()) {
          entries.put(LayerApplier.clean(e.getName()), e);
        }
      }
    }

    @Override
    public boolean exists(String path) {
      return entries.containsKey(LayerApplier.clean(path));
    }

    @Override
    public InputStream open(String path) throws IOException {
      TarArchiveEntry e = entries.get(LayerApplier.clean(path));
      if (e == null) {
        throw new ImageException("the image tar has no file '" + path + "'");
      }
      return tar.getInputStream(e);
    }

    @Override
    public void close() throws IOException {
      tar.close();
    }
  }
}
