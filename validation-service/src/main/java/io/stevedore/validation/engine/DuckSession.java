package io.stevedore.validation.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.validation.suite.Check;
import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.SqlTypes;
import io.stevedore.validation.suite.Suite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.duckdb.ProfilerPrintFormat;
import org.jboss.logging.Logger;

/**
 * One in-memory DuckDB connection for one run: it registers datasets as views, then locks file
 * access down to those files (and an output directory), so the user SQL of a suite can read nothing
 * else; every query is profiled and its scans of each dataset counted.
 */
final class DuckSession implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = Logger.getLogger(DuckSession.class);

  private final DuckDBConnection connection;
  private final Path tempDir;
  private final Map<String, Registered> datasets = new LinkedHashMap<>();
  private final List<String> allowedFiles = new ArrayList<>();
  private boolean locked;

  /**
   * A registered dataset.
   *
   * @param name the dataset's name
   * @param source where it comes from
   * @param files the files read: the source's file, or every data file of its directory
   * @param relation the view with the dataset's columns (what user SQL sees)
   * @param engineRelation the view the engine reads: the columns plus, for CSV, the raw text of
   *     each cast column, under {@link #rawName(String)}
   * @param columns column name to DuckDB type, in order
   * @param castFromText columns read as text (CSV) or as inferred (JSON) and cast to the type the
   *     suite gives them; their values as read stay in {@link #rawName(String)}
   */
  record Registered(
      String name,
      DatasetSource source,
      List<String> files,
      String relation,
      String engineRelation,
      Map<String, String> columns,
      Map<String, String> castFromText) {

    /** A SQL condition: the column's text was empty or converted to its type. */
    String typeOk(String column) {
      String raw = Sql.id(rawName(column));
      return "(" + raw + " IS NULL OR " + Sql.id(column) + " IS NOT NULL)";
    }
  }

  /** The counted result of a query: its rows and how many times it scanned each dataset. */
  record Outcome(List<Map<String, Object>> rows, Map<String, Integer> scans) {
    int scansOf(String dataset) {
      return scans.getOrDefault(dataset, 0);
    }
  }

  DuckSession() throws SQLException, IOException {
    // straight from the driver, not DriverManager: it only hands out drivers of the caller's class
    // loader, and a test JVM (or a dev-mode restart) may have registered another loader's copy
    this.connection =
        (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
    this.tempDir = Files.createTempDirectory("stevedore-duckdb-");
    try (Statement s = connection.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET temp_directory = " + Sql.text(tempDir.toString()));
      s.execute("SET enable_profiling = 'no_output'");
      s.execute("SET profiling_coverage = 'ALL'");
    }
  }

  static String rawName(String column) {
    return column + "$raw";
  }

  /** Registers a dataset as a view over its file; for CSV, {@code declared} types win. */
  Registered register(DatasetSource source, Map<String, String> declared) throws SQLException {
    if (locked) {
      throw new IllegalStateException("register datasets before locking");
    }
    String name = source.name();
    List<String> files = files(source);
    allowedFiles.addAll(files);
    String file =
        files.size() == 1
            ? Sql.text(files.get(0))
            : files.stream().map(Sql::text).collect(Collectors.joining(", ", "[", "]"));
    String view = Sql.id(name);
    String engineView = Sql.id(name + "$engine");
    Map<String, String> castFromText = new LinkedHashMap<>();
    if (source.format() == DataFormat.PARQUET) {
      // typed storage: a declared type that differs is a schema problem, not a cast
      execute("CREATE VIEW " + view + " AS SELECT * FROM read_parquet(" + file + ")");
      execute("CREATE VIEW " + engineView + " AS SELECT * FROM " + view);
    } else {
      String raw;
      Map<String, String> inferred;
      if (source.format() == DataFormat.JSON) {
        raw = "read_json(" + file + ", format = 'newline_delimited')";
        inferred = describe("SELECT * FROM " + raw);
      } else {
        Suite.CsvOptions o = source.csv();
        String options =
            ", header = "
                + o.header()
                + ", delim = "
                + Sql.text(o.delimiter())
                + ", quote = "
                + Sql.text(o.quote())
                + ", escape = "
                + Sql.text(o.quote())
                + (o.nullString().isEmpty() ? "" : ", nullstr = " + Sql.text(o.nullString()));
        raw = "read_csv(" + file + options + ", all_varchar = true)";
        // the sniffer's types for columns the suite does not type; reads a sample, not a scan
        inferred = describe("SELECT * FROM read_csv(" + file + options + ")");
      }
      Map<String, String> rawColumns = describe("SELECT * FROM " + raw);
      List<String> select = new ArrayList<>();
      List<String> extras = new ArrayList<>();
      for (Map.Entry<String, String> e : rawColumns.entrySet()) {
        String column = e.getKey();
        String actual = e.getValue();
        // only whitelisted type names reach the SQL text; others stay as read
        String type =
            SqlTypes.normalize(declared.getOrDefault(column, inferred.getOrDefault(column, actual)))
                .orElse(actual);
        if (type.equals(actual)) {
          select.add(Sql.id(column));
        } else {
          castFromText.put(column, type);
          select.add("TRY_CAST(" + Sql.id(column) + " AS " + type + ") AS " + Sql.id(column));
          extras.add(Sql.id(column) + " AS " + Sql.id(rawName(column)));
        }
      }
      List<String> all = new ArrayList<>(select);
      all.addAll(extras);
      execute(
          "CREATE VIEW "
              + engineView
              + " AS SELECT "
              + (all.isEmpty() ? "*" : String.join(", ", all))
              + " FROM "
              + raw);
      execute(
          "CREATE VIEW "
              + view
              + " AS SELECT "
              + (select.isEmpty() ? "*" : String.join(", ", select))
              + " FROM "
              + raw);
    }
    Map<String, String> columns = describe("SELECT * FROM " + view);
    Registered r = new Registered(name, source, files, view, engineView, columns, castFromText);
    datasets.put(name, r);
    return r;
  }

  /**
   * The files of a source: the file itself, or the data files of a directory (a dataset written in
   * parts), skipping hidden and marker files such as {@code _SUCCESS}.
   */
  static List<String> files(DatasetSource source) throws SQLException {
    if (!Files.isDirectory(source.path())) {
      return List.of(source.path().toString());
    }
    try (var list = Files.list(source.path())) {
      List<String> files =
          list.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String f = p.getFileName().toString();
                    return !f.startsWith(".") && !f.startsWith("_");
                  })
              .map(Path::toString)
              .sorted()
              .toList();
      if (files.isEmpty()) {
        throw new SQLException("no data files in directory " + source.path());
      }
      return files;
    } catch (IOException e) {
      throw new SQLException("cannot list directory " + source.path() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The types a suite gives CSV columns: those its schema checks declare, and text for a column a
   * pattern or length check reads without a declared type (so {@code 00501} is not read as the
   * number 501 and then fail its own pattern).
   */
  static Map<String, String> declaredTypes(Suite suite) {
    Map<String, String> declared = new LinkedHashMap<>();
    for (Check c : suite.checks()) {
      if (c instanceof Check.Schema s) {
        for (Check.ColumnSpec spec : s.expected()) {
          if (spec.type() != null) {
            declared.put(spec.name(), spec.type());
          }
        }
      }
    }
    for (Check c : suite.checks()) {
      if (c instanceof Check.Pattern || c instanceof Check.Length) {
        c.columns().forEach(column -> declared.putIfAbsent(column, "VARCHAR"));
      }
    }
    return declared;
  }

  /**
   * Forbids file access beyond the registered files and {@code writable} directories, and locks the
   * configuration so that SQL cannot lift it.
   */
  void lock(Collection<Path> writable) throws SQLException {
    List<String> dirs = new ArrayList<>();
    dirs.add(tempDir.toString() + "/");
    for (Path p : writable) {
      dirs.add(p.toAbsolutePath().normalize() + "/");
    }
    execute(
        "SET allowed_paths = ["
            + allowedFiles.stream().map(Sql::text).collect(Collectors.joining(", "))
            + "]");
    execute(
        "SET allowed_directories = ["
            + dirs.stream().map(Sql::text).collect(Collectors.joining(", "))
            + "]");
    execute("SET enable_external_access = false");
    execute("SET lock_configuration = true");
    locked = true;
  }

  Registered dataset(String name) {
    return datasets.get(name);
  }

  void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs a statement with binds and counts the scans it made of each registered dataset. */
  Outcome query(String sql, List<Object> binds) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    long t0 = System.nanoTime();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < binds.size(); i++) {
        ps.setObject(i + 1, binds.get(i));
      }
      boolean hasRows = ps.execute();
      if (hasRows) {
        try (ResultSet rs = ps.getResultSet()) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
              row.put(md.getColumnLabel(i), rs.getObject(i));
            }
            rows.add(row);
          }
        }
      }
    }
    LOG.debugf("%d ms: %s", (System.nanoTime() - t0) / 1_000_000, sql);
    return new Outcome(rows, countScans());
  }

  /**
   * The first of {@code values} that does not convert to a column type (one of {@link SqlTypes}),
   * or null when all do: one query for all of them, none for text.
   */
  Object firstUncastable(List<Object> values, String type) throws SQLException {
    String canonical = SqlTypes.normalize(type).orElseThrow();
    if (values.isEmpty() || canonical.equals("VARCHAR")) {
      return null; // every value has a text form
    }
    String cast = "TRY_CAST(CAST(? AS VARCHAR) AS " + canonical + ") IS NOT NULL";
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT " + String.join(", ", java.util.Collections.nCopies(values.size(), cast)))) {
      for (int i = 0; i < values.size(); i++) {
        Object value = values.get(i);
        ps.setString(
            i + 1, value instanceof java.math.BigDecimal d ? d.toPlainString() : value.toString());
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        for (int i = 0; i < values.size(); i++) {
          if (!rs.getBoolean(i + 1)) {
            return values.get(i);
          }
        }
        return null;
      }
    }
  }

  /** Prepares a statement to see whether it binds, without running it; null or the error. */
  String prepareError(String sql) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.getMetaData();
      return null;
    } catch (SQLException e) {
      return firstLine(e.getMessage());
    }
  }

  /** DuckDB's parse tree of a statement, as JSON. */
  JsonNode parseTree(String sql) throws SQLException, IOException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
      ps.setString(1, sql);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return JSON.readTree(rs.getString(1));
      }
    }
  }

  Map<String, String> describe(String select) throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE " + select)) {
      while (rs.next()) {
        String type = rs.getString("column_type");
        columns.put(rs.getString("column_name"), SqlTypes.normalize(type).orElse(type));
      }
    }
    return columns;
  }

  /**
   * Counts the table-scan operators of the last query's profile per dataset: a scan belongs to the
   * dataset whose file it names. Materialized results (CTE, column data, dummy scans) are not data
   * scans and are not counted.
   */
  private Map<String, Integer> countScans() throws SQLException {
    String profile = connection.getProfilingInformation(ProfilerPrintFormat.JSON);
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (profile == null || profile.isBlank()) {
      return counts;
    }
    try {
      walk(JSON.readTree(profile), counts);
    } catch (IOException e) {
      throw new SQLException("unreadable DuckDB profile: " + e.getMessage(), e);
    }
    return counts;
  }

  private void walk(JsonNode node, Map<String, Integer> counts) {
    if (node == null) {
      return;
    }
    if (node.isArray()) {
      node.forEach(n -> walk(n, counts));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    String type = node.path("operator_type").asText(node.path("type").asText(""));
    if (type.equals("TABLE_SCAN")) {
      List<String> texts = new ArrayList<>();
      texts(node.path("extra_info"), texts);
      for (Registered r : datasets.values()) {
        if (r.files().stream().anyMatch(f -> texts.stream().anyMatch(t -> t.contains(f)))) {
          counts.merge(r.name(), 1, Integer::sum);
        }
      }
    }
    walk(node.get("children"), counts);
    walk(node.get("operator"), counts);
  }

  private static void texts(JsonNode node, List<String> into) {
    if (node.isTextual()) {
      into.add(node.asText());
    }
    node.forEach(child -> texts(child, into));
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public void close() throws SQLException {
    try {
      connection.close();
    } finally {
      try (var files = Files.walk(tempDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: a temp directory left behind
      }
    }
  }
}
