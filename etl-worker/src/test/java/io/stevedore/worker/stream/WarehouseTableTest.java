package io.stevedore.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.testing.PostgresResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One batch through DuckDB into embedded Postgres, in a transaction, as the stream loop does. */
class WarehouseTableTest {

  Connection db;
  String table;

  @BeforeEach
  void connect() throws SQLException {
    db =
        DriverManager.getConnection(
            PostgresResource.jdbcUrl(), PostgresResource.USER, PostgresResource.PASSWORD);
    db.setAutoCommit(false);
    table = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  @AfterEach
  void close() throws SQLException {
    db.close();
  }

  @Test
  void mergeKeepsTheLastRecordOfAKeyInTheBatchAndUpdatesExistingRows() throws SQLException {
    exec("create table " + table + " (id bigint primary key, status text, note text)");
    exec("insert into " + table + " values (1, 'new', 'kept'), (9, 'old', null)");
    db.commit();
    WarehouseTable target = new WarehouseTable(table, WarehouseTable.Mode.MERGE, List.of("id"));
    try (BatchTransform transform = new BatchTransform("select id, status from batch;", null)) {
      long n =
          target.write(
              db,
              transform.run(
                  List.of(
                      "{\"id\":1,\"status\":\"paid\"}",
                      "{\"id\":2,\"status\":\"new\"}",
                      "{\"id\":1,\"status\":\"shipped\"}")));
      db.commit();
      assertThat(n).isEqualTo(2);
    }
    assertThat(rows("select id || ':' || status || ':' || coalesce(note, '-') from " + table))
        .containsExactly("1:shipped:kept", "2:new:-", "9:old:-");
  }

  @Test
  void appendKeepsExplicitTextTypesNullsAndEmptyStrings() throws SQLException {
    exec("create table " + table + " (zip text, city text, population bigint)");
    db.commit();
    WarehouseTable target = new WarehouseTable(table, WarehouseTable.Mode.APPEND, List.of());
    try (BatchTransform transform =
        new BatchTransform(
            "select * from batch",
            Map.of("zip", "VARCHAR", "city", "VARCHAR", "population", "BIGINT"))) {
      target.write(
          db,
          transform.run(
              List.of(
                  "{\"zip\":\"01234\",\"city\":\"Agawam, \\\"MA\\\"\",\"population\":28000}",
                  "{\"zip\":\"99501\",\"city\":\"\",\"population\":null}")));
      db.commit();
    }
    assertThat(
            rows(
                "select zip || '|' || coalesce(city, 'NULL') || '|' || coalesce(population::text,"
                    + " 'NULL') from "
                    + table))
        .containsExactly("01234|Agawam, \"MA\"|28000", "99501||NULL");
  }

  @Test
  void mergeWithoutAUniqueKeySaysWhatTheTableNeeds() throws SQLException {
    exec("create table " + table + " (id bigint, status text)");
    db.commit();
    WarehouseTable target = new WarehouseTable(table, WarehouseTable.Mode.MERGE, List.of("id"));
    try (BatchTransform transform = new BatchTransform("select id, status from batch", null)) {
      var result = transform.run(List.of("{\"id\":1,\"status\":\"paid\"}"));
      assertThatThrownBy(() -> target.write(db, result))
          .isInstanceOf(StreamException.class)
          .hasMessageContaining("merge into '" + table + "' failed")
          .hasMessageContaining("primary key or unique index on (id)");
    }
    db.rollback();
  }

  @Test
  void stageSqlErrorNamesTheBatchAndTheColumn() {
    try (BatchTransform transform = new BatchTransform("select missing_column from batch", null)) {
      assertThatThrownBy(() -> transform.run(List.of("{\"id\":1}")))
          .isInstanceOf(StreamException.class)
          .hasMessageContaining("the stage SQL failed on a batch of 1 records")
          .hasMessageContaining("missing_column");
    }
  }

  private void exec(String sql) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute(sql);
    }
  }

  private List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql + " order by 1")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    db.rollback();
    return rows;
  }
}
