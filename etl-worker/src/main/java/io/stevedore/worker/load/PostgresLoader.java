package io.stevedore.worker.load;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Loads a DuckDB relation into a Postgres table in one transaction: DuckDB writes the rows as CSV
 * to a temporary file, which {@code COPY ... FROM STDIN} sends to the target (append, overwrite) or
 * to a temporary table that {@code INSERT ... ON CONFLICT (key) DO UPDATE} merges into the target.
 * The target's columns are checked against the input's before anything is written.
 */
final class PostgresLoader {

  private static final Logger LOG = Logger.getLogger(PostgresLoader.class);
  private static final String MERGE_TABLE = "stevedore_merge_input";

  /** Types without an equality operator: a merge updates such rows whether they changed or not. */
  private static final Set<String> NOT_COMPARABLE =
      Set.of("json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle");

  /** A column of the target table. */
  private record TargetColumn(
      String name, String typeName, String displayType, boolean notNull, boolean hasDefault) {}

  LoadOutcome load(
      Connection duckdb,
      String relation,
      LoadTarget target,
      LoadIdentity id,
      Connection pg,
      String location)
      throws SQLException, IOException {
    List<InputColumn> input = InputColumn.of(duckdb, relation);
    TableName table = TableName.parse(target.table());
    if (target.mode() == LoadTarget.Mode.MERGE) {
      if (target.key().isEmpty()) {
        throw new InvalidTargetException("a merge into " + table + " needs the key columns");
      }
      InputColumn.requireAll(input, target.key(), "key");
      KeyCheck.requireOneRowPerKey(duckdb, relation, target.key());
    }
    LoadLedger ledger = new LoadLedger(table);
    try (Statement s = pg.createStatement()) {
      // a merge's temporary table stays in memory up to this size (the default is 8 MB), and a
      // created table's primary key is sorted in memory up to this one (the default is 64 MB)
      s.execute("SET temp_buffers = '256MB'");
      s.execute("SET maintenance_work_mem = '256MB'");
    }
    pg.setAutoCommit(false);
    try {
      Map<String, TargetColumn> existing = targetColumns(pg, table);
      boolean created = existing.isEmpty();
      if (created) {
        if (!target.createTable()) {
          throw LoadException.missingTable(table, target);
        }
        createTable(pg, table, input);
      } else {
        checkColumns(table, input, existing);
        if (target.mode() == LoadTarget.Mode.MERGE) {
          requireUniqueKey(pg, table, target.key());
        }
      }
      ledger.ensure(pg);
      OptionalLong committed = ledger.committedRows(pg, id);
      if (target.mode() == LoadTarget.Mode.APPEND && committed.isPresent()) {
        pg.rollback();
        return alreadyLoaded(table, id, committed.getAsLong(), location);
      }
      long start = System.nanoTime();
      try (CsvExport csv = CsvExport.start(duckdb, csvSelect(relation, input))) {
        long rows = write(pg, table, input, existing, target, created, csv);
        ledger.record(pg, id, target.mode(), rows);
        long written = System.nanoTime();
        pg.commit();
        long end = System.nanoTime();
        LOG.infof(
            "loaded %d rows into %s (%s, %d bytes of CSV) in %d ms, of which commit %d ms",
            rows,
            table,
            target.mode(),
            csv.bytes(),
            (end - start) / 1_000_000,
            (end - written) / 1_000_000);
        return new LoadOutcome(rows, csv.bytes(), List.of(location));
      }
    } catch (LoadLedger.AlreadyLoaded e) {
      pg.rollback();
      return alreadyLoaded(table, id, ledger.committedRows(pg, id).orElse(0), location);
    } catch (RuntimeException | SQLException | IOException e) {
      pg.rollback();
      throw e;
    }
  }

  private static LoadOutcome alreadyLoaded(
      TableName table, LoadIdentity id, long rows, String location) {
    LOG.infof(
        "run %s stage %s already appended %d rows to %s; this attempt writes nothing",
        id.runId(), id.stageId(), rows, table);
    return new LoadOutcome(rows, 0, List.of(location));
  }

  /** The target's columns by name, in table order; empty when the table does not exist. */
  private static Map<String, TargetColumn> targetColumns(Connection pg, TableName table)
      throws SQLException {
    Map<String, TargetColumn> columns = new LinkedHashMap<>();
    try (PreparedStatement exists = pg.prepareStatement("SELECT to_regclass(?)")) {
      exists.setString(1, table.quoted());
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) {
          return columns;
        }
      }
    }
    try (PreparedStatement ps =
        pg.prepareStatement(
            "SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> ''"
                + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.put(
              rs.getString(1),
              new TargetColumn(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getBoolean(4),
                  rs.getBoolean(5)));
        }
      }
    }
    return columns;
  }

  /** Fails, naming every column and both types, when the input does not fit the table. */
  private static void checkColumns(
      TableName table, List<InputColumn> input, Map<String, TargetColumn> existing) {
    SchemaMismatch mismatch = new SchemaMismatch(table);
    for (InputColumn column : input) {
      TargetColumn t = existing.get(column.name());
      if (t == null) {
        mismatch.missingFromTable(column);
      } else if (!PostgresTypes.accepts(t.typeName(), column)) {
        mismatch.typeDiffers(column, t.displayType());
      }
    }
    Set<String> inputNames = input.stream().map(InputColumn::name).collect(Collectors.toSet());
    for (TargetColumn t : existing.values()) {
      if (t.notNull() && !t.hasDefault() && !inputNames.contains(t.name())) {
        mismatch.missingFromInput(t.name(), t.displayType());
      }
    }
    mismatch.throwIfAny();
  }

  /** Creates the table; its primary key comes after its rows ({@link #write}). */
  private static void createTable(Connection pg, TableName table, List<InputColumn> input)
      throws SQLException {
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(table.quoted()).append(" (");
    for (int i = 0; i < input.size(); i++) {
      InputColumn c = input.get(i);
      ddl.append(i == 0 ? "" : ", ")
          .append(c.quotedName())
          .append(' ')
          .append(PostgresTypes.createType(c));
    }
    ddl.append(')');
    try (Statement s = pg.createStatement()) {
      if (table.schema() != null) {
        s.execute("CREATE SCHEMA IF NOT EXISTS " + TableName.quote(table.schema()));
      }
      s.execute(ddl.toString());
    }
    LOG.infof("created table %s", table);
  }

  /** A merge needs a unique index (or primary key) on exactly the key columns. */
  private static void requireUniqueKey(Connection pg, TableName table, List<String> key)
      throws SQLException {
    try (PreparedStatement ps =
        pg.prepareStatement(
            "SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey) k"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k)"
                + " FROM pg_index i WHERE i.indrelid = ?::regclass AND i.indisunique"
                + " AND i.indexprs IS NULL AND i.indpred IS NULL")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array columns = rs.getArray(1);
          Set<String> names = new HashSet<>(List.of((String[]) columns.getArray()));
          if (names.equals(new HashSet<>(key))) {
            return;
          }
        }
      }
    }
    throw new LoadException(
        "a merge into "
            + table
            + " on key "
            + key
            + " needs a primary key or unique index on exactly those columns; add one (or let"
            + " the load create the table)");
  }

  /** The DuckDB query whose CSV {@code COPY} reads. */
  private static String csvSelect(String relation, List<InputColumn> input) {
    return "SELECT "
        + input.stream()
            .map(c -> PostgresTypes.csvExpression(c) + " AS " + c.quotedName())
            .collect(Collectors.joining(", "))
        + " FROM "
        + TableName.quote(relation);
  }

  /**
   * Writes the rows. Into a table created by this load, or a merge into an empty table: {@code
   * COPY} straight into the table (the input was checked to have one row per key), and for a
   * created table the primary key is built afterwards in one pass, which is several times faster
   * than maintaining it row by row. Otherwise append copies into the table, overwrite deletes then
   * copies, and merge copies into a temporary table and upserts from it.
   */
  private static long write(
      Connection pg,
      TableName table,
      List<InputColumn> input,
      Map<String, TargetColumn> existing,
      LoadTarget target,
      boolean created,
      CsvExport csv)
      throws SQLException, IOException {
    String columns = quotedList(input.stream().map(InputColumn::name).toList());
    try (Statement s = pg.createStatement()) {
      if (created) {
        long rows = copy(pg, table.quoted(), columns, csv);
        if (!target.key().isEmpty()) {
          s.execute(
              "ALTER TABLE "
                  + table.quoted()
                  + " ADD PRIMARY KEY ("
                  + quotedList(target.key())
                  + ")");
        }
        return rows;
      }
      if (target.mode() == LoadTarget.Mode.MERGE && isEmpty(pg, table)) {
        return copy(pg, table.quoted(), columns, csv);
      }
      switch (target.mode()) {
        case APPEND -> {
          return copy(pg, table.quoted(), columns, csv);
        }
        case OVERWRITE -> {
          // DELETE, not TRUNCATE: readers keep seeing the old rows until the commit.
          s.executeUpdate("DELETE FROM " + table.quoted());
          return copy(pg, table.quoted(), columns, csv);
        }
        case MERGE -> {
          s.execute(
              "CREATE TEMPORARY TABLE "
                  + MERGE_TABLE
                  + " ON COMMIT DROP AS SELECT "
                  + columns
                  + " FROM "
                  + table.quoted()
                  + " WITH NO DATA");
          long rows = copy(pg, MERGE_TABLE, columns, csv);
          List<String> updated =
              input.stream().map(InputColumn::name).filter(n -> !target.key().contains(n)).toList();
          List<String> updates =
              updated.stream()
                  .map(n -> TableName.quote(n) + " = EXCLUDED." + TableName.quote(n))
                  .toList();
          // Rows that did not change are left alone (no new row version, no WAL), when every
          // updated column's type can be compared.
          boolean comparable =
              updated.stream().noneMatch(n -> NOT_COMPARABLE.contains(existing.get(n).typeName()));
          String unchanged =
              updates.isEmpty() || !comparable
                  ? ""
                  : " WHERE ("
                      + updated.stream()
                          .map(n -> "t." + TableName.quote(n))
                          .collect(Collectors.joining(", "))
                      + ") IS DISTINCT FROM ("
                      + updated.stream()
                          .map(n -> "EXCLUDED." + TableName.quote(n))
                          .collect(Collectors.joining(", "))
                      + ")";
          s.executeUpdate(
              "INSERT INTO "
                  + table.quoted()
                  + " AS t ("
                  + columns
                  + ") SELECT "
                  + columns
                  + " FROM "
                  + MERGE_TABLE
                  + " ON CONFLICT ("
                  + quotedList(target.key())
                  + ") DO "
                  + (updates.isEmpty()
                      ? "NOTHING"
                      : "UPDATE SET " + String.join(", ", updates) + unchanged));
          return rows;
        }
        default -> throw new IllegalStateException("unknown mode " + target.mode());
      }
    }
  }

  private static boolean isEmpty(Connection pg, TableName table) throws SQLException {
    try (Statement s = pg.createStatement();
        ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + table.quoted() + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static long copy(Connection pg, String table, String columns, CsvExport csv)
      throws SQLException, IOException {
    return csv.feed(
        in ->
            pg.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(
                    "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT csv)", in, 1 << 16));
  }

  private static String quotedList(List<String> names) {
    return names.stream().map(TableName::quote).collect(Collectors.joining(", "));
  }
}
