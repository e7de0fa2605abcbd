package io.stevedore.worker.load;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Loads a DuckDB relation into a table of any JDBC database: {@code append} or {@code overwrite}
 * ({@code DELETE} first), in one transaction, with batched {@code INSERT}s ({@link
 * PreparedStatement#addBatch()}). Column names and coarse types are checked first (a number into a
 * text column is a mismatch); a created table gets ANSI SQL types.
 */
final class JdbcLoader {

  private static final Logger LOG = Logger.getLogger(JdbcLoader.class);
  static final int BATCH = 1_000;

  /** Coarse type families, compared between DuckDB and the target's JDBC types. */
  private enum Family {
    BOOLEAN,
    NUMBER,
    TEXT,
    TEMPORAL,
    BINARY,
    OTHER
  }

  LoadOutcome load(
      Connection duckdb,
      String relation,
      LoadTarget target,
      LoadIdentity id,
      Connection db,
      String location)
      throws SQLException {
    if (target.mode() == LoadTarget.Mode.MERGE) {
      throw new InvalidTargetException(
          "a jdbc target appends or overwrites; merge needs a postgres target");
    }
    List<InputColumn> input = InputColumn.of(duckdb, relation);
    TableName table = TableName.parse(target.table());
    LoadLedger ledger = new LoadLedger(table);
    db.setAutoCommit(false);
    try {
      Map<String, String> existing = targetColumns(db, table);
      if (existing.isEmpty()) {
        if (!target.createTable()) {
          throw LoadException.missingTable(table, target);
        }
        createTable(db, table, input);
      } else {
        checkColumns(table, input, existing);
      }
      ledger.ensure(db);
      OptionalLong committed = ledger.committedRows(db, id);
      if (target.mode() == LoadTarget.Mode.APPEND && committed.isPresent()) {
        db.rollback();
        return new LoadOutcome(committed.getAsLong(), 0, List.of(location));
      }
      if (target.mode() == LoadTarget.Mode.OVERWRITE) {
        try (Statement s = db.createStatement()) {
          s.executeUpdate("DELETE FROM " + table.quoted());
        }
      }
      long rows = insert(duckdb, relation, input, db, table);
      ledger.record(db, id, target.mode(), rows);
      db.commit();
      LOG.infof("loaded %d rows into %s (%s, jdbc)", rows, table, target.mode());
      return new LoadOutcome(rows, 0, List.of(location));
    } catch (LoadLedger.AlreadyLoaded e) {
      db.rollback();
      return new LoadOutcome(ledger.committedRows(db, id).orElse(0), 0, List.of(location));
    } catch (RuntimeException | SQLException e) {
      db.rollback();
      throw e;
    }
  }

  /** Column name to type name; empty when the table does not exist. */
  private static Map<String, String> targetColumns(Connection db, TableName table)
      throws SQLException {
    Map<String, String> columns = new LinkedHashMap<>();
    DatabaseMetaData meta = db.getMetaData();
    try (ResultSet rs = meta.getColumns(null, table.schema(), table.name(), null)) {
      while (rs.next()) {
        columns.put(
            rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE") + ":" + rs.getString("TYPE_NAME"));
      }
    }
    return columns;
  }

  private static void checkColumns(
      TableName table, List<InputColumn> input, Map<String, String> existing) {
    SchemaMismatch mismatch = new SchemaMismatch(table);
    for (InputColumn column : input) {
      String t = existing.get(column.name());
      if (t == null) {
        mismatch.missingFromTable(column);
        continue;
      }
      int sqlType = Integer.parseInt(t.substring(0, t.indexOf(':')));
      Family want = family(column);
      Family have = family(sqlType);
      if (want != have && have != Family.OTHER && want != Family.OTHER) {
        mismatch.typeDiffers(column, t.substring(t.indexOf(':') + 1));
      }
    }
    mismatch.throwIfAny();
  }

  private static Family family(InputColumn c) {
    if (c.nested()) {
      return Family.TEXT;
    }
    return switch (c.family()) {
      case "BOOLEAN" -> Family.BOOLEAN;
      case "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "HUGEINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "UHUGEINT",
          "FLOAT",
          "DOUBLE",
          "DECIMAL" ->
          Family.NUMBER;
      case "VARCHAR", "ENUM", "UUID", "JSON", "INTERVAL" -> Family.TEXT;
      case "DATE",
          "TIME",
          "TIMESTAMP",
          "TIMESTAMP_S",
          "TIMESTAMP_MS",
          "TIMESTAMP_NS",
          "TIMESTAMP WITH TIME ZONE",
          "TIME WITH TIME ZONE" ->
          Family.TEMPORAL;
      case "BLOB" -> Family.BINARY;
      default -> Family.OTHER;
    };
  }

  private static Family family(int sqlType) {
    return switch (sqlType) {
      case Types.BOOLEAN, Types.BIT -> Family.BOOLEAN;
      case Types.TINYINT,
          Types.SMALLINT,
          Types.INTEGER,
          Types.BIGINT,
          Types.REAL,
          Types.FLOAT,
          Types.DOUBLE,
          Types.NUMERIC,
          Types.DECIMAL ->
          Family.NUMBER;
      case Types.CHAR,
          Types.VARCHAR,
          Types.LONGVARCHAR,
          Types.NCHAR,
          Types.NVARCHAR,
          Types.LONGNVARCHAR,
          Types.CLOB,
          Types.NCLOB ->
          Family.TEXT;
      case Types.DATE,
          Types.TIME,
          Types.TIMESTAMP,
          Types.TIME_WITH_TIMEZONE,
          Types.TIMESTAMP_WITH_TIMEZONE ->
          Family.TEMPORAL;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Family.BINARY;
      default -> Family.OTHER;
    };
  }

  /** ANSI SQL types for a created table. */
  private static String createType(InputColumn c) {
    if (c.nested()) {
      return "VARCHAR(65535)";
    }
    return switch (c.family()) {
      case "BOOLEAN" -> "BOOLEAN";
      case "TINYINT", "SMALLINT", "UTINYINT" -> "SMALLINT";
      case "INTEGER", "USMALLINT" -> "INTEGER";
      case "BIGINT", "UINTEGER" -> "BIGINT";
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> "DECIMAL(38,0)";
      case "FLOAT" -> "REAL";
      case "DOUBLE" -> "DOUBLE PRECISION";
      case "DECIMAL" -> c.duckType().toUpperCase(Locale.ROOT);
      case "DATE" -> "DATE";
      case "TIME" -> "TIME";
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" -> "TIMESTAMP";
      case "TIMESTAMP WITH TIME ZONE" -> "TIMESTAMP WITH TIME ZONE";
      case "BLOB" -> "VARBINARY(65535)";
      case "VARCHAR", "ENUM", "JSON", "INTERVAL" -> "VARCHAR(65535)";
      case "UUID" -> "VARCHAR(36)";
      default ->
          throw new LoadException(
              "column '"
                  + c.name()
                  + "' has type "
                  + c.duckType()
                  + ", which a created jdbc table cannot hold; cast it in the transform");
    };
  }

  private static void createTable(Connection db, TableName table, List<InputColumn> input)
      throws SQLException {
    String columns =
        input.stream()
            .map(c -> c.quotedName() + " " + createType(c))
            .collect(Collectors.joining(", "));
    try (Statement s = db.createStatement()) {
      if (table.schema() != null) {
        s.execute("CREATE SCHEMA IF NOT EXISTS " + TableName.quote(table.schema()));
      }
      s.execute("CREATE TABLE " + table.quoted() + " (" + columns + ")");
    }
  }

  /** What the DuckDB query selects for a column: text for types other databases lack. */
  private static String selectExpression(InputColumn c) {
    if (c.nested() || Set.of("UUID", "INTERVAL", "ENUM", "JSON").contains(c.family())) {
      return (c.nested() ? "to_json(" + c.quotedName() + ")" : c.quotedName()) + "::VARCHAR";
    }
    return c.quotedName();
  }

  private static long insert(
      Connection duckdb, String relation, List<InputColumn> input, Connection db, TableName table)
      throws SQLException {
    String names = input.stream().map(InputColumn::quotedName).collect(Collectors.joining(", "));
    String marks = input.stream().map(c -> "?").collect(Collectors.joining(", "));
    String select =
        input.stream().map(JdbcLoader::selectExpression).collect(Collectors.joining(", "));
    long rows = 0;
    try (Statement read = duckdb.createStatement();
        ResultSet rs =
            read.executeQuery("SELECT " + select + " FROM " + TableName.quote(relation));
        PreparedStatement ps =
            db.prepareStatement(
                "INSERT INTO " + table.quoted() + " (" + names + ") VALUES (" + marks + ")")) {
      int n = input.size();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          ps.setObject(i, portable(rs.getObject(i)));
        }
        ps.addBatch();
        if (++rows % BATCH == 0) {
          ps.executeBatch();
        }
      }
      if (rows % BATCH != 0) {
        ps.executeBatch();
      }
    }
    return rows;
  }

  /** DuckDB's values in a form every driver takes. */
  private static Object portable(Object value) throws SQLException {
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (value instanceof Blob blob) {
      return blob.getBytes(1, (int) blob.length());
    }
    return value;
  }
}
