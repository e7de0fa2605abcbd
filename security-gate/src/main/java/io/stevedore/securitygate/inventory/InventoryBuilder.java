package io.stevedore.securitygate.inventory;

import io.stevedore.securitygate.image.ImageContents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds an {@link Inventory} from the files read out of an image. */
public final class InventoryBuilder {

  private final JarScanner jars;

  /**
   * @param maxNestedJarBytes the largest nested jar read inside a fat jar
   */
  public InventoryBuilder(long maxNestedJarBytes) {
    this.jars = new JarScanner(maxNestedJarBytes);
  }

  public Inventory build(ImageContents image) {
    List<String> notes = new ArrayList<>();
    image.skipped().forEach((path, why) -> notes.add("skipped " + path + ": " + why));
    OsRelease os = OsRelease.UNKNOWN;
    byte[] osRelease = image.files().get("etc/os-release");
    if (osRelease == null) {
      osRelease = image.files().get("usr/lib/os-release");
    }
    if (osRelease != null) {
      os = OsRelease.parse(new String(osRelease, StandardCharsets.UTF_8));
    }
    String debNamespace = os.id().equals("ubuntu") ? "ubuntu" : "debian";
    String apkNamespace = os.id().isEmpty() || os.id().equals("alpine") ? "alpine" : os.id();
    LinkedHashSet<Component> components = new LinkedHashSet<>();
    for (Map.Entry<String, byte[]> f : image.files().entrySet()) {
      String path = f.getKey();
      String lower = path.toLowerCase(Locale.ROOT);
      if (path.equals("var/lib/dpkg/status") || path.startsWith("var/lib/dpkg/status.d/")) {
        if (path.endsWith(".md5sums")) {
          continue;
        }
        components.addAll(PackageDatabases.dpkg(text(f.getValue()), debNamespace, path));
      } else if (path.equals("lib/apk/db/installed")) {
        components.addAll(PackageDatabases.apk(text(f.getValue()), apkNamespace, path));
      } else if (lower.endsWith(".jar") || lower.endsWith(".war")) {
        components.addAll(jars.scan(f.getValue(), path, notes));
      }
    }
    return new Inventory(image.digest(), os, new ArrayList<>(components), image.config(), notes);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
