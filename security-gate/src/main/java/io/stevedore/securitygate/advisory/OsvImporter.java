package io.stevedore.securitygate.advisory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Imports OSV records into an {@link AdvisoryIndex} from a JSON file (one record or an array), a
 * directory of them, or a zip (as osv.dev publishes per ecosystem). A bad record is reported and
 * skipped; the rest still import.
 */
public final class OsvImporter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_ENTRY_BYTES = 16L << 20;

  /** Where parsed advisories go: an index, or a store that keeps the OSV record too. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Takes one advisory.
     *
     * @param advisory the parsed advisory
     * @param osv the OSV record it was parsed from
     * @return what happened to it
     */
    AdvisoryIndex.Change accept(Advisory advisory, JsonNode osv);
  }

  private final Sink sink;
  private final Clock clock;

  public OsvImporter(AdvisoryIndex index, Clock clock) {
    this((advisory, osv) -> index.upsert(advisory), clock);
  }

  public OsvImporter(Sink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** Parses one OSV record (as stored) into an advisory imported at {@code importedAt}. */
  public static Advisory parse(JsonNode osv, Instant importedAt) {
    return OsvParser.parse(osv, importedAt);
  }

  /**
   * What one import did.
   *
   * @param inserted new advisories
   * @param updated advisories replaced by a newer version
   * @param unchanged advisories already known at this or a later version
   * @param problems records that could not be read, each with where and why
   * @param importedAt when the import ran
   */
  public record Report(
      int inserted, int updated, int unchanged, List<String> problems, Instant importedAt) {}

  /** Imports a {@code .json} file, a {@code .zip} or a directory holding either. */
  public Report importPath(Path path) throws IOException {
    Tally tally = new Tally(clock.instant());
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.walk(path)) {
        for (Path p : (Iterable<Path>) files.sorted()::iterator) {
          if (Files.isRegularFile(p)) {
            importOne(p, tally);
          }
        }
      }
    } else {
      importOne(path, tally);
    }
    return tally.report();
  }

  private void importOne(Path p, Tally tally) throws IOException {
    String name = p.getFileName().toString();
    if (name.endsWith(".zip")) {
      try (InputStream in = Files.newInputStream(p)) {
        importZip(in, name, tally);
      }
    } else if (name.endsWith(".json")) {
      try (InputStream in = Files.newInputStream(p)) {
        importJson(in.readNBytes((int) MAX_ENTRY_BYTES), name, tally);
      }
    }
  }

  /** Imports every {@code .json} entry of a zip stream. */
  public Report importZip(InputStream zip, String name) throws IOException {
    Tally tally = new Tally(clock.instant());
    importZip(zip, name, tally);
    return tally.report();
  }

  private void importZip(InputStream in, String name, Tally tally) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (!e.isDirectory() && e.getName().endsWith(".json")) {
          byte[] bytes = zip.readNBytes((int) MAX_ENTRY_BYTES + 1);
          if (bytes.length > MAX_ENTRY_BYTES) {
            tally.problems.add(
                name + "!" + e.getName() + ": larger than " + MAX_ENTRY_BYTES + " bytes");
            continue;
          }
          importJson(bytes, name + "!" + e.getName(), tally);
        }
      }
    }
  }

  /** Imports one JSON document: an OSV record or an array of them. */
  public Report importJson(byte[] json, String name) {
    Tally tally = new Tally(clock.instant());
    importJson(json, name, tally);
    return tally.report();
  }

  private void importJson(byte[] json, String name, Tally tally) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      tally.problems.add(name + ": not valid JSON: " + e.getMessage());
      return;
    }
    if (root == null) {
      tally.problems.add(name + ": empty");
      return;
    }
    List<JsonNode> records = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(records::add);
    } else {
      records.add(root);
    }
    for (JsonNode r : records) {
      try {
        Advisory a = OsvParser.parse(r, tally.importedAt);
        switch (sink.accept(a, r)) {
          case INSERTED -> tally.inserted++;
          case UPDATED -> tally.updated++;
          case UNCHANGED -> tally.unchanged++;
        }
      } catch (IllegalArgumentException e) {
        tally.problems.add(name + ": " + e.getMessage());
      }
    }
  }

  private static final class Tally {
    final Instant importedAt;
    int inserted;
    int updated;
    int unchanged;
    final List<String> problems = new ArrayList<>();

    Tally(Instant importedAt) {
      this.importedAt = importedAt;
    }

    Report report() {
      return new Report(inserted, updated, unchanged, List.copyOf(problems), importedAt);
    }
  }
}
