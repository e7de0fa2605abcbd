package io.stevedore.securitygate.inventory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Java libraries in a jar: each {@code META-INF/maven/<g>/<a>/pom.properties}, else the manifest's
 * {@code Implementation-Title}/{@code Implementation-Version}; nested jars ({@code BOOT-INF/lib},
 * {@code lib/}, Quarkus' {@code lib/main}) are read one level deep.
 */
final class JarScanner {

  private final long maxNestedBytes;

  JarScanner(long maxNestedBytes) {
    this.maxNestedBytes = maxNestedBytes;
  }

  List<Component> scan(byte[] jar, String location, List<String> notes) {
    List<Component> out = new ArrayList<>();
    scan(jar, location, 0, out, notes);
    return out;
  }

  private void scan(
      byte[] jar, String location, int depth, List<Component> out, List<String> notes) {
    List<Component> fromPoms = new ArrayList<>();
    Manifest manifest = null;
    List<Object[]> nested = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String name = e.getName();
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
          Properties p = new Properties();
          p.load(bounded(zip, 65536));
          String g = p.getProperty("groupId");
          String a = p.getProperty("artifactId");
          String v = p.getProperty("version");
          if (g != null && a != null && v != null) {
            fromPoms.add(
                new Component(
                    Component.Type.MAVEN,
                    g.trim(),
                    a.trim(),
                    v.trim(),
                    null,
                    null,
                    null,
                    location));
          }
        } else if (name.equals("META-INF/MANIFEST.MF")) {
          manifest = new Manifest(bounded(zip, 1 << 20));
        } else if (lower.endsWith(".jar") && !e.isDirectory()) {
          if (depth > 0) {
            continue;
          }
          byte[] bytes = zip.readNBytes((int) Math.min(maxNestedBytes + 1, Integer.MAX_VALUE - 8));
          if (bytes.length > maxNestedBytes) {
            notes.add(
                "nested jar "
                    + location
                    + "!"
                    + name
                    + " is over "
                    + maxNestedBytes
                    + " bytes; not inventoried");
          } else {
            nested.add(new Object[] {name, bytes});
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      notes.add("jar " + location + " is not readable: " + e.getMessage());
      return;
    }
    if (!fromPoms.isEmpty()) {
      out.addAll(fromPoms);
    } else if (manifest != null) {
      Attributes main = manifest.getMainAttributes();
      String title = main.getValue(Attributes.Name.IMPLEMENTATION_TITLE);
      String version = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
      String vendorId = main.getValue("Implementation-Vendor-Id");
      if (title != null && version != null) {
        out.add(
            new Component(
                Component.Type.MAVEN,
                vendorId,
                title.trim(),
                version.trim(),
                null,
                null,
                null,
                location));
      }
    }
    for (Object[] n : nested) {
      scan((byte[]) n[1], location + "!" + n[0], depth + 1, out, notes);
    }
  }

  private static InputStream bounded(InputStream in, int max) throws IOException {
    return new ByteArrayInputStream(in.readNBytes(max));
  }
}
