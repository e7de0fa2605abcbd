package io.stevedore.worker.engine;

import io.stevedore.worker.config.WorkerConfig;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageFailedException;
import io.stevedore.worker.stage.StageSpec;
import io.stevedore.worker.storage.HttpDownloads;
import io.stevedore.worker.storage.S3Location;
import io.stevedore.worker.storage.S3Storage;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An extract: reads the source (S3 objects or an HTTP file through DuckDB's readers, or a database
 * query) and writes it as the stage's Parquet output.
 */
@ApplicationScoped
public class Extractor {

  private final WorkerConfig config;
  private final S3Storage storage;
  private final DatabaseSource database;
  private final StageOutput output;
  private final HttpDownloads http;

  Extractor(
      WorkerConfig config,
      S3Storage storage,
      DatabaseSource database,
      StageOutput output,
      HttpDownloads http) {
    this.config = config;
    this.storage = storage;
    this.http = http;
    this.database = database;
    this.output = output;
  }

  /** Extracts {@code source} (templates not yet rendered) into {@code target}. */
  public StageWork extract(StageContext context, StageSpec.Source source, S3Location target) {
    String kind = source.kind() == null ? "" : source.kind().toLowerCase(Locale.ROOT);
    ColumnTypes.check(source.columns());
    try (DuckDbSession session = DuckDbSession.open(config, context.stageId())) {
      switch (kind) {
        case "s3", "http" -> {
          if (source.uri() == null) {
            throw new InvalidStageException("an " + kind + " source needs a uri");
          }
          String uri = context.render(source.uri());
          FileFormat format = FileFormat.of(source.format());
          List<Path> paths = new ArrayList<>();
          long bytesIn = 0;
          if (kind.equals("s3")) {
            S3Location location = S3Location.parse(uri, "source uri");
            for (S3Storage.Downloaded f : storage.download(location, session.path("in"))) {
              session.nameFile(f.file(), f.source().toString());
              paths.add(f.file());
              bytesIn += f.bytes();
            }
          } else {
            Path file = http.download(uri, session.path("in"));
            session.nameFile(file, uri);
            paths.add(file);
            bytesIn += fileSize(file);
          }
          String what = "cannot read " + format + " input " + uri;
          String relation =
              format == FileFormat.JSON
                  ? format.jsonRelation(
                      paths,
                      source.columns(),
                      mixedJsonColumns(session, format.relation(paths, Map.of()), source, what))
                  : format.relation(paths, source.columns());
          StageOutput.Written w;
          try {
            w = output.write(session, "SELECT * FROM " + relation, target, what);
          } catch (StageFailedException e) {
            if (format == FileFormat.CSV) {
              firstBadCsvLine(session, paths, source.columns())
                  .ifPresent(
                      line -> {
                        throw new StageFailedException(what + ": " + line, e);
                      });
            }
            throw e;
          }
          return new StageWork(
              Map.of(StageWork.DATA, w.uri()), w.rows(), w.rows(), bytesIn, w.bytes(), w.schema());
        }
        case "postgres" -> {
          if (source.query() == null || source.query().isBlank()) {
            throw new InvalidStageException("a postgres source needs a query");
          }
          String query = context.render(source.query());
          long rows = database.fetch(session, context, source.connection(), query, "source");
          StageOutput.Written w =
              output.write(
                  session,
                  "SELECT * FROM " + ColumnTypes.cast("\"source\"", source.columns()),
                  target,
                  "cannot convert the query's rows");
          return new StageWork(
              Map.of(StageWork.DATA, w.uri()), rows, w.rows(), 0, w.bytes(), w.schema());
        }
        default ->
            throw new InvalidStageException(
                "unknown source kind '"
                    + source.kind()
                    + "'; the worker reads s3, http and postgres");
      }
    }
  }

  /**
   * DuckDB gives a JSON column whose values have different types (a number here, a text there) the
   * type {@code JSON}; the worker refuses it unless the source gives the column a type. Returns
   * those columns.
   */
  private static Set<String> mixedJsonColumns(
      DuckDbSession session, String relation, StageSpec.Source source, String what) {
    Set<String> mixed = new HashSet<>();
    for (Column c : session.describe(what, "SELECT * FROM " + relation)) {
      if (!c.type().equals("JSON")) {
        continue;
      }
      mixed.add(c.name());
      if (!source.columns().containsKey(c.name())) {
        throw new StageFailedException(
            what
                + ": column '"
                + c.name()
                + "' changes type between rows (for example a number, then a text); give it a"
                + " type in source.columns, such as "
                + c.name()
                + ": varchar, to read it as text");
      }
    }
    return mixed;
  }

  private static long fileSize(Path file) {
    try {
      return java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      throw new StageFailedException("cannot read the download " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * After a failed CSV read: reads again with DuckDB's rejects table and describes the first bad
   * line ({@code s3://raw/x.csv line 4, column 4: Expected Number of Columns: 3 Found: 4:
   * 'JFK,...'}). Empty when this read finds nothing (the first failure had another cause).
   */
  private static Optional<String> firstBadCsvLine(
      DuckDbSession session, List<Path> files, Map<String, String> columns) {
    for (Path file : files) {
      Optional<String> bad = firstBadCsvLine(session, file, columns);
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> firstBadCsvLine(
      DuckDbSession session, Path file, Map<String, String> columns) {
    try (Statement s = session.connection().createStatement()) {
      s.executeQuery("SELECT count(*) FROM " + FileFormat.CSV.diagnosticRelation(file, columns))
          .close();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT s.file_path, e.line, e.column_idx, e.column_name, e.error_message,"
                  + " e.csv_line FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)"
                  + " ORDER BY e.file_id, e.line LIMIT 1")) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String column = rs.getString("column_name");
        String line = rs.getString("csv_line");
        return Optional.of(
            session.cleanMessage(rs.getString("file_path"))
                + " line "
                + rs.getLong("line")
                + (column != null ? ", column '" + column + "'" : "")
                + ": "
                + rs.getString("error_message")
                + (line != null
                    ? ": '" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "'"
                    : ""));
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
  }
}
