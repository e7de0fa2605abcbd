package io.stevedore.securitygate.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsers for dpkg's status file (and distroless {@code status.d}) and apk's installed db. */
final class PackageDatabases {

  private PackageDatabases() {}

  /**
   * Packages of a dpkg status file. A stanza with a {@code Status} is kept only when installed
   * ({@code install ok installed}); distroless {@code status.d} files have no Status and are kept.
   */
  static List<Component> dpkg(String text, String namespace, String location) {
    List<Component> out = new ArrayList<>();
    for (Map<String, String> s : stanzas(text)) {
      String name = s.get("Package");
      String version = s.get("Version");
      if (name == null || version == null) {
        continue;
      }
      String status = s.get("Status");
      if (status != null && !status.trim().endsWith(" installed")) {
        continue;
      }
      String source = s.get("Source");
      String sourceName = null;
      String sourceVersion = null;
      if (source != null) {
        String src = source.trim();
        int paren = src.indexOf('(');
        if (paren > 0 && src.endsWith(")")) {
          sourceVersion = src.substring(paren + 1, src.length() - 1).trim();
          src = src.substring(0, paren).trim();
        }
        sourceName = src;
      }
      out.add(
          new Component(
              Component.Type.DEB,
              namespace,
              name.trim(),
              version.trim(),
              sourceName,
              sourceVersion,
              s.get("Architecture"),
              location));
    }
    return out;
  }

  private static List<Map<String, String>> stanzas(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String lastKey = null;
    for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          out.add(current);
          current = new LinkedHashMap<>();
        }
        lastKey = null;
      } else if ((line.startsWith(" ") || line.startsWith("\t")) && lastKey != null) {
        current.merge(lastKey, "\n" + line.trim(), String::concat);
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          lastKey = line.substring(0, colon).trim();
          current.put(lastKey, line.substring(colon + 1).trim());
        }
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /** Packages of apk's {@code lib/apk/db/installed}: {@code P:} name, {@code V:}, {@code o:}. */
  static List<Component> apk(String text, String namespace, String location) {
    List<Component> out = new ArrayList<>();
    Map<Character, String> fields = new LinkedHashMap<>();
    for (String line : (text + "\n\n").replace("\r\n", "\n").split("\n", -1)) {
      if (line.isEmpty()) {
        String name = fields.get('P');
        String version = fields.get('V');
        if (name != null && version != null) {
          out.add(
              new Component(
                  Component.Type.APK,
                  namespace,
                  name,
                  version,
                  fields.get('o'),
                  null,
                  fields.get('A'),
                  location));
        }
        fields.clear();
      } else if (line.length() >= 2 && line.charAt(1) == ':') {
        fields.putIfAbsent(line.charAt(0), line.substring(2).trim());
      }
    }
    return out;
  }
}
