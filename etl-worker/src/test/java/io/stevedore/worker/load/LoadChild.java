package io.stevedore.worker.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A load in a process of its own, for {@link CrashedLoadTest} to kill: {@code LoadChild <postgres
 * url> <user> <password> <parquet file> <rows> <table> <run id> <stage id> <attempt> <mode>} loads
 * the file's first rows, numbered in a column {@code id} (the key of a merge), into the table
 * through {@link Loads}, then prints {@code loaded <rows>}.
 */
public final class LoadChild {

  private LoadChild() {}

  public static void main(String[] args) throws Exception {
    WorkerConnections.Connection warehouse =
        new WorkerConnections.Connection() {
          @Override
          public String url() {
            return args[0];
          }

          @Override
          public Optional<String> user() {
            return Optional.of(args[1]);
          }

          @Override
          public Optional<String> password() {
            return Optional.of(args[2]);
          }
        };
    WorkerConnections connections = () -> Map.of(Loads.DEFAULT_CONNECTION, warehouse);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = duck.createStatement()) {
      s.execute(
          "CREATE VIEW input AS SELECT row_number() OVER () AS id, * FROM read_parquet('"
              + args[3].replace("'", "''")
              + "') LIMIT "
              + Long.parseLong(args[4]));
      LoadTarget target =
          new LoadTarget(
              LoadTarget.Kind.POSTGRES,
              args[5],
              null,
              LoadTarget.Mode.valueOf(args[9]),
              List.of("id"),
              null,
              true,
              null);
      LoadOutcome outcome =
          new Loads(connections, null)
              .load(
                  duck,
                  "input",
                  target,
                  new LoadIdentity(
                      UUID.fromString(args[6]), args[7], null, Integer.parseInt(args[8])));
      System.out.println("loaded " + outcome.rows());
    }
  }
}
