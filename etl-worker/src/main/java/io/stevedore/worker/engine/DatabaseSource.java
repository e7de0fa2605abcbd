package io.stevedore.worker.engine;

import io.stevedore.worker.config.WorkerConfig;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A {@code postgres} source: the query runs on a named connection with its named parameters bound
 * ({@code :logical_date} as a date, {@code :run_id} as a UUID, {@code :params.x} as text the server
 * types from its use), is fetched in batches (autocommit off and a fetch size, so the driver uses a
 * cursor), and is appended into a DuckDB table through DuckDB's appender.
 */
@ApplicationScoped
public class DatabaseSource {

  private final Connections connections;
  private final WorkerConfig config;

  DatabaseSource(Connections connections, WorkerConfig config) {
    this.connections = connections;
    this.config = config;
  }

  /**
   * Runs {@code query} on {@code connection} into the DuckDB table {@code table}; returns the rows
   * read.
   */
  public long fetch(
      DuckDbSession session, StageContext context, String connection, String query, String table) {
    NamedParameters parsed = NamedParameters.parse(query);
    try (Connection db = connections.open(connection)) {
      db.setAutoCommit(false);
      db.setReadOnly(true);
      try (PreparedStatement ps = db.prepareStatement(parsed.sql())) {
        ps.setFetchSize(config.fetchSize());
        for (int i = 0; i < parsed.names().size(); i++) {
          bind(ps, i + 1, parsed.names().get(i), context);
        }
        try (ResultSet rs = ps.executeQuery()) {
          return copy(rs, session, table);
        }
      } finally {
        db.rollback();
      }
    } catch (SQLException e) {
      throw new StageFailedException(
          "the source query failed on connection '"
              + (connection == null ? Connections.DEFAULT : connection)
              + "': "
              + e.getMessage(),
          e);
    }
  }

  private static void bind(PreparedStatement ps, int index, String name, StageContext context)
      throws SQLException {
    switch (name) {
      case "logical_date" -> ps.setObject(index, context.logicalDate());
      case "run_id" -> ps.setObject(index, context.runId());
      case "logical_date_nodash", "pipeline", "team", "stage_id" ->
          ps.setString(index, context.templateValues().get(name));
      default -> {
        if (!name.startsWith("params.")) {
          throw new InvalidStageException(
              "unknown parameter ':"
                  + name
                  + "' in the source query; known: :logical_date, :logical_date_nodash, :run_id,"
                  + " :pipeline, :team, :stage_id, :params.<name>");
        }
        String value = context.params().get(name.substring("params.".length()));
        if (value == null) {
          throw new InvalidStageException(
              "the source query uses ':"
                  + name
                  + "', but the run has no parameter '"
                  + name.substring("params.".length())
                  + "'; its parameters: "
                  + context.params().keySet());
        }
        ps.setObject(index, value, Types.OTHER);
      }
    }
  }

  private long copy(ResultSet rs, DuckDbSession session, String table) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int n = meta.getColumnCount();
    List<String> kinds = new ArrayList<>();
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + Sql.identifier(table) + " (");
    for (int i = 1; i <= n; i++) {
      String type = duckDbType(meta, i);
      kinds.add(type);
      ddl.append(i > 1 ? ", " : "")
          .append(Sql.identifier(meta.getColumnLabel(i)))
          .append(' ')
          .append(type);
    }
    session.execute("cannot create the table for the source rows", ddl.append(")").toString());
    long rows = 0;
    DuckDBConnection duck = session.connection().unwrap(DuckDBConnection.class);
    try (DuckDBAppender appender = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
      while (rs.next()) {
        appender.beginRow();
        for (int i = 1; i <= n; i++) {
          append(appender, rs, i, kinds.get(i - 1));
        }
        appender.endRow();
        rows++;
      }
    }
    return rows;
  }

  private static String duckDbType(ResultSetMetaData meta, int i) throws SQLException {
    String name = meta.getColumnTypeName(i) == null ? "" : meta.getColumnTypeName(i);
    return switch (meta.getColumnType(i)) {
      case Types.BIT, Types.BOOLEAN -> "BOOLEAN";
      case Types.TINYINT, Types.SMALLINT -> "SMALLINT";
      case Types.INTEGER -> "INTEGER";
      case Types.BIGINT -> "BIGINT";
      case Types.REAL -> "FLOAT";
      case Types.FLOAT, Types.DOUBLE -> "DOUBLE";
      case Types.NUMERIC, Types.DECIMAL -> {
        int p = meta.getPrecision(i);
        int s = meta.getScale(i);
        yield p > 0 && p <= 38 && s >= 0 && s <= p ? "DECIMAL(" + p + "," + s + ")" : "DOUBLE";
      }
      case Types.DATE -> "DATE";
      case Types.TIME -> "TIME";
      case Types.TIMESTAMP ->
          name.toLowerCase(Locale.ROOT).contains("tz") ? "TIMESTAMPTZ" : "TIMESTAMP";
      case Types.TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMPTZ";
      default -> "VARCHAR";
    };
  }

  private static void append(DuckDBAppender a, ResultSet rs, int i, String type)
      throws SQLException {
    Object value =
        switch (type) {
          case "BOOLEAN" -> rs.getBoolean(i);
          case "SMALLINT" -> rs.getShort(i);
          case "INTEGER" -> rs.getInt(i);
          case "BIGINT" -> rs.getLong(i);
          case "FLOAT" -> rs.getFloat(i);
          case "DOUBLE" -> rs.getDouble(i);
          case "DATE" -> rs.getObject(i, LocalDate.class);
          case "TIME" -> rs.getObject(i, LocalTime.class);
          case "TIMESTAMP" -> rs.getObject(i, LocalDateTime.class);
          case "TIMESTAMPTZ" -> rs.getObject(i, OffsetDateTime.class);
          case "VARCHAR" -> rs.getString(i);
          default -> rs.getBigDecimal(i);
        };
    if (value == null || rs.wasNull()) {
      a.appendNull();
      return;
    }
    if (value instanceof Boolean b) {
      a.append(b.booleanValue());
    } else if (value instanceof Short v) {
      a.append(v.shortValue());
    } else if (value instanceof Integer v) {
      a.append(v.intValue());
    } else if (value instanceof Long v) {
      a.append(v.longValue());
    } else if (value instanceof Float v) {
      a.append(v.floatValue());
    } else if (value instanceof Double v) {
      a.append(v.doubleValue());
    } else if (value instanceof LocalDate v) {
      a.append(v);
    } else if (value instanceof LocalTime v) {
      a.append(v);
    } else if (value instanceof LocalDateTime v) {
      a.append(v);
    } else if (value instanceof OffsetDateTime v) {
      a.append(v);
    } else if (value instanceof BigDecimal v) {
      a.append(v.setScale(scale(type), RoundingMode.HALF_UP));
    } else {
      a.append(value.toString());
    }
  }

  private static int scale(String decimalType) {
    return Integer.parseInt(
        decimalType.substring(decimalType.indexOf(',') + 1, decimalType.length() - 1));
  }
}
