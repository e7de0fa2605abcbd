package io.stevedore.worker.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * The table {@code stevedore_loads}, beside the target table (same schema), where each load records
 * {@code (target table, run, stage)} in the transaction that writes its rows. Its primary key makes
 * an append happen at most once per run and stage: a retried attempt finds the row of a committed
 * attempt and writes nothing, and two attempts racing cannot both commit (the second one's insert
 * fails on the key, and its transaction is rolled back). Merges and overwrites, which are
 * idempotent, replace the row instead. Plain SQL types, so that it works on any database.
 */
final class LoadLedger {

  static final String TABLE = "stevedore_loads";

  private final TableName ledger;
  private final String target;

  LoadLedger(TableName target) {
    this.ledger = target.sibling(TABLE);
    this.target = target.toString();
  }

  /** Creates the ledger table if it does not exist. */
  void ensure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + ledger.quoted()
              + " (target_table VARCHAR(512) NOT NULL, run_id VARCHAR(36) NOT NULL,"
              + " stage_id VARCHAR(256) NOT NULL, stage_run_id VARCHAR(36), attempt INTEGER NOT"
              + " NULL, load_mode VARCHAR(16) NOT NULL, row_count BIGINT NOT NULL, loaded_at"
              + " TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
              + " PRIMARY KEY (target_table, run_id, stage_id))");
    }
  }

  /** The rows of a committed load of this run and stage, if there is one. */
  OptionalLong committedRows(Connection c, LoadIdentity id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT row_count FROM "
                + ledger.quoted()
                + " WHERE target_table = ? AND run_id = ? AND stage_id = ?")) {
      bindKey(ps, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  /**
   * Records this load in the current transaction. For an append, fails with {@link AlreadyLoaded}
   * when another attempt of the same run and stage committed first.
   */
  void record(Connection c, LoadIdentity id, LoadTarget.Mode mode, long rows) throws SQLException {
    if (mode != LoadTarget.Mode.APPEND) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM "
                  + ledger.quoted()
                  + " WHERE target_table = ? AND run_id = ? AND stage_id = ?")) {
        bindKey(ps, id);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + ledger.quoted()
                + " (target_table, run_id, stage_id, stage_run_id, attempt, load_mode, row_count)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      bindKey(ps, id);
      ps.setString(4, id.stageRunId() == null ? null : id.stageRunId().toString());
      ps.setInt(5, id.attempt());
      ps.setString(6, mode.toString());
      ps.setLong(7, rows);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (e instanceof java.sql.SQLIntegrityConstraintViolationException
          || (e.getSQLState() != null && e.getSQLState().startsWith("23"))
          || String.valueOf(e.getMessage()).contains("Duplicate key")) {
        throw new AlreadyLoaded(e);
      }
      throw e;
    }
  }

  private void bindKey(PreparedStatement ps, LoadIdentity id) throws SQLException {
    ps.setString(1, target);
    ps.setString(2, id.runId().toString());
    ps.setString(3, id.stageId());
  }

  /** Another attempt of the same run and stage committed its append first. */
  static final class AlreadyLoaded extends SQLException {
    AlreadyLoaded(SQLException cause) {
      super("another attempt of this run and stage committed its load first", "23505", cause);
    }
  }
}
