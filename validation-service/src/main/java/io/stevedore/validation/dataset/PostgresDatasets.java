package io.stevedore.validation.dataset;

import io.stevedore.common.http.ApiException;
import io.stevedore.validation.config.ValidationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.jboss.logging.Logger;

/**
 * Reads a Postgres table as a dataset: {@code postgres://<source>/<schema>.<table>} (schema {@code
 * public} when omitted), where {@code <source>} is configured under {@code
 * stevedore.validation.postgres.<source>.*}. The table is streamed through JDBC (a server-side
 * cursor, {@code fetch-size} rows per round trip) into DuckDB with its appender and written to a
 * local Parquet file, which the engine then reads like any other dataset.
 *
 * <p>The schema and table are looked up with bind parameters in {@code information_schema}; the
 * copy's {@code SELECT} names only the columns found there, as quoted identifiers. Column types map
 * to DuckDB types (integers, floating point, {@code numeric(p,s)} up to 38 digits, boolean, date,
 * timestamp, timestamptz); everything else is read as text.
 */
@ApplicationScoped
public class PostgresDatasets {

  private static final Logger LOG = Logger.getLogger(PostgresDatasets.class);
  private static final String SCHEME = "postgres://";
  private static final Pattern URI =
      Pattern.compile("postgres://([A-Za-z0-9_-]{1,63})/(?:([^./]{1,63})\\.)?([^./]{1,63})");

  /** A parsed dataset URI. */
  public record PgUri(String source, String schema, String table) {

    /**
     * @throws DatasetNotFoundException when the URI is not {@code postgres://source/schema.table}
     */
    public static PgUri parse(String uri) {
      Matcher m = URI.matcher(uri == null ? "" : uri);
      if (!m.matches()) {
        throw new DatasetNotFoundException(
            uri,
            "dataset URI '" + uri + "' is not of the form postgres://<source>/<schema>.<table>");
      }
      return new PgUri(m.group(1), m.group(2) == null ? "public" : m.group(2), m.group(3));
    }
  }

  /** One column of the table and the DuckDB type it is copied as. */
  record Column(String name, String pgType, String duckType, int scale) {}

  private final ValidationConfig config;

  PostgresDatasets(ValidationConfig config) {
    this.config = config;
  }

  /** Whether {@code uri} names a Postgres table. */
  public static boolean handles(String uri) {
    return uri != null && uri.startsWith(SCHEME);
  }

  /**
   * Copies the table to a local Parquet file.
   *
   * @throws DatasetNotFoundException when the source is not configured or the table does not exist
   *     (or the user may not read it)
   * @throws ApiException 503 when the database cannot be reached
   */
  public S3Datasets.LocalCopy fetch(String uri) {
    PgUri pg = PgUri.parse(uri);
    ValidationConfig.PostgresSource source = config.postgres().get(pg.source());
    if (source == null) {
      throw new DatasetNotFoundException(
          uri,
          "postgres source '"
              + pg.source()
              + "' of dataset "
              + uri
              + " is not configured (stevedore.validation.postgres."
              + pg.source()
              + ".jdbc-url)");
    }
    Properties props = new Properties();
    props.setProperty("user", source.username());
    source.password().ifPresent(p -> props.setProperty("password", p));
    props.setProperty("ApplicationName", "stevedore-validation");
    Path dir;
    try {
      dir = Files.createTempDirectory("stevedore-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory", e);
    }
    Connection pgc;
    try {
      pgc = new org.postgresql.Driver().connect(source.jdbcUrl(), props);
    } catch (SQLException e) {
      S3Datasets.deleteTree(dir);
      throw ApiException.unavailable(
          "postgres source '" + pg.source() + "' cannot be reached (" + e.getSQLState() + ")");
    }
    try (pgc) {
      List<Column> columns = columns(pgc, pg);
      if (columns.isEmpty()) {
        throw new DatasetNotFoundException(
            uri,
            "table "
                + pg.schema()
                + "."
                + pg.table()
                + " does not exist in postgres source '"
                + pg.source()
                + "' (or its user may not read it)");
      }
      Path file = dir.resolve("table.parquet");
      long rows = copy(pgc, pg, columns, source.fetchSize(), file);
      LOG.debugf("copied %s: %d rows, %d columns", uri, rows, columns.size());
      return new S3Datasets.LocalCopy(uri, file, dir, 1, Files.size(file));
    } catch (SQLException e) {
      S3Datasets.deleteTree(dir);
      throw ApiException.unavailable(
          "reading dataset " + uri + " failed (" + e.getSQLState() + "): " + firstLine(e));
    } catch (IOException e) {
      S3Datasets.deleteTree(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      S3Datasets.deleteTree(dir);
      throw e;
    }
  }

  static List<Column> columns(Connection c, PgUri pg) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select column_name, udt_name, numeric_precision, numeric_scale"
                + " from information_schema.columns where table_schema = ? and table_name = ?"
                + " order by ordinal_position")) {
      ps.setString(1, pg.schema());
      ps.setString(2, pg.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String udt = rs.getString(2);
          int precision = rs.getInt(3);
          boolean constrained = !rs.wasNull();
          int scale = rs.getInt(4);
          columns.add(
              new Column(
                  rs.getString(1), udt, duckType(udt, constrained, precision, scale), scale));
        }
      }
    }
    return columns;
  }

  /** The DuckDB type a Postgres column is copied as. */
  static String duckType(String udt, boolean constrained, int precision, int scale) {
    return switch (udt) {
      case "int2" -> "SMALLINT";
      case "int4" -> "INTEGER";
      case "int8" -> "BIGINT";
      case "float4" -> "FLOAT";
      case "float8" -> "DOUBLE";
      case "numeric" ->
          constrained && precision > 0 && precision <= 38
              ? "DECIMAL(" + precision + "," + scale + ")"
              : "DOUBLE";
      case "bool" -> "BOOLEAN";
      case "date" -> "DATE";
      case "timestamp" -> "TIMESTAMP";
      case "timestamptz" -> "TIMESTAMPTZ";
      default -> "VARCHAR";
    };
  }

  private static long copy(Connection pgc, PgUri pg, List<Column> columns, int fetchSize, Path file)
      throws SQLException {
    List<String> select = new ArrayList<>();
    List<String> create = new ArrayList<>();
    for (Column c : columns) {
      select.add(quote(c.name()));
      create.add(quote(c.name()) + " " + c.duckType());
    }
    try (DuckDBConnection duck =
        (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", new Properties())) {
      try (Statement s = duck.createStatement()) {
        s.execute("CREATE TABLE t (" + String.join(", ", create) + ")");
      }
      long rows = 0;
      pgc.setAutoCommit(false); // a cursor: rows stream instead of loading all at once
      pgc.setReadOnly(true);
      try (PreparedStatement ps =
              pgc.prepareStatement(
                  "select "
                      + String.join(", ", select)
                      + " from "
                      + quote(pg.schema())
                      + "."
                      + quote(pg.table()));
          DuckDBAppender appender = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
        ps.setFetchSize(fetchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            appender.beginRow();
            for (int i = 0; i < columns.size(); i++) {
              append(appender, rs, i + 1, columns.get(i));
            }
            appender.endRow();
            rows++;
          }
        }
      } finally {
        pgc.rollback();
      }
      try (Statement s = duck.createStatement()) {
        s.execute("COPY t TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
      }
      return rows;
    }
  }

  private static void append(DuckDBAppender a, ResultSet rs, int i, Column c) throws SQLException {
    switch (c.duckType()) {
      case "SMALLINT" -> {
        short v = rs.getShort(i);
        nullOr(a, rs, () -> a.append(v));
      }
      case "INTEGER" -> {
        int v = rs.getInt(i);
        nullOr(a, rs, () -> a.append(v));
      }
      case "BIGINT" -> {
        long v = rs.getLong(i);
        nullOr(a, rs, () -> a.append(v));
      }
      case "FLOAT" -> {
        float v = rs.getFloat(i);
        nullOr(a, rs, () -> a.append(v));
      }
      case "DOUBLE" -> {
        double v = rs.getDouble(i);
        nullOr(a, rs, () -> a.append(v));
      }
      case "BOOLEAN" -> {
        boolean v = rs.getBoolean(i);
        nullOr(a, rs, () -> a.append(v));
      }
      case "DATE" -> {
        LocalDate v = rs.getObject(i, LocalDate.class);
        if (v == null) {
          a.appendNull();
        } else {
          a.append(v);
        }
      }
      case "TIMESTAMP" -> {
        LocalDateTime v = rs.getObject(i, LocalDateTime.class);
        if (v == null) {
          a.appendNull();
        } else {
          a.append(v);
        }
      }
      case "TIMESTAMPTZ" -> {
        OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
        if (v == null) {
          a.appendNull();
        } else {
          a.append(v);
        }
      }
      default -> {
        if (c.duckType().startsWith("DECIMAL")) {
          BigDecimal v = rs.getBigDecimal(i);
          if (v == null) {
            a.appendNull();
          } else {
            a.append(v.setScale(c.scale(), RoundingMode.HALF_EVEN));
          }
        } else {
          String v = rs.getString(i);
          if (v == null) {
            a.appendNull();
          } else {
            a.append(v);
          }
        }
      }
    }
  }

  @FunctionalInterface
  private interface Append {
    void run() throws SQLException;
  }

  private static void nullOr(DuckDBAppender a, ResultSet rs, Append append) throws SQLException {
    if (rs.wasNull()) {
      a.appendNull();
    } else {
      append.run();
    }
  }

  /** A quoted SQL identifier (the same quoting in Postgres and DuckDB). */
  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String firstLine(SQLException e) {
    String m = e.getMessage() == null ? "unknown error" : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
