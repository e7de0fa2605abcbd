package io.stevedore.worker.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A load killed (SIGKILL) between writing its rows and committing them, then retried: the target
 * holds exactly one copy. The child process is a real JVM running {@link Loads}; it is held between
 * write and commit by a lock the test takes on the load ledger, whose row a load inserts after its
 * rows and just before its commit.
 */
@QuarkusTest
@QuarkusTestResource(LoadTestResource.class)
@QuarkusTestResource(S3Resource.class)
class CrashedLoadTest {

  private static final int ROWS = 200_000;
  private static final String TABLE = "crash.flights";

  /** The child's temporary directory: a SIGKILLed load cannot delete its own files. */
  private static final Path CHILD_TMP = Db.tempDir("stevedore-load-child-");

  @Inject Loads loads;

  @ParameterizedTest
  @EnumSource(
      value = LoadTarget.Mode.class,
      names = {"APPEND", "MERGE"})
  void loadKilledBetweenWriteAndCommitThenRetriedLeavesExactlyOneCopy(LoadTarget.Mode mode)
      throws Exception {
    UUID run = UUID.randomUUID();
    Process child = null;
    long backend;
    try (Connection pg = Db.postgres();
        Connection locker = Db.postgres()) {
      Db.execute(pg, "DROP SCHEMA IF EXISTS crash CASCADE");
      Db.execute(pg, "CREATE SCHEMA crash");
      new LoadLedger(TableName.parse(TABLE)).ensure(pg);
      locker.setAutoCommit(false);
      Db.execute(locker, "LOCK TABLE crash.stevedore_loads IN SHARE MODE");

      Process started = startChild(run, 1, mode);
      child = started;
      String waiting =
          "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'stevedore-load "
              + run
              + "%' AND wait_event_type = 'Lock' AND (query LIKE 'INSERT INTO%stevedore_loads%'"
              + " OR query LIKE 'DELETE FROM%stevedore_loads%')";
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !started.isAlive() || !Db.rows(pg, waiting).isEmpty());
      assertThat(child.isAlive()).as("the child load is waiting to record itself").isTrue();
      backend = Long.parseLong(Db.rows(pg, waiting).get(0));
      // its rows are written (the ledger row comes after them) in a transaction that holds a
      // transaction id, its table created, neither committed: nobody else sees them
      assertThat(
              Db.rows(
                  pg,
                  "SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = " + backend))
          .containsExactly("t");
      assertThat(Db.rows(pg, "SELECT to_regclass('crash.flights') IS NULL")).containsExactly("t");

      child.destroyForcibly(); // SIGKILL
      child.waitFor();
      locker.commit();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Db.count(pg, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + backend)
                      == 0);
      assertThat(Db.rows(pg, "SELECT to_regclass('crash.flights') IS NULL")).containsExactly("t");
      assertThat(Db.count(pg, "SELECT count(*) FROM crash.stevedore_loads")).isZero();
    } finally {
      if (child != null && child.isAlive()) {
        child.destroyForcibly();
        child.waitFor();
      }
      Db.deleteRecursively(CHILD_TMP);
    }
    assertThat(child.exitValue()).isEqualTo(137);

    try (Connection duck = Db.duckdb();
        Connection pg = Db.postgres()) {
      Db.execute(
          duck,
          "CREATE VIEW input AS SELECT row_number() OVER () AS id, * FROM read_parquet('"
              + Db.flights()
              + "') LIMIT "
              + ROWS);
      LoadTarget target =
          new LoadTarget(
              LoadTarget.Kind.POSTGRES, TABLE, null, mode, List.of("id"), null, true, null);

      LoadOutcome retry =
          loads.load(duck, "input", target, new LoadIdentity(run, "load-flights", null, 2));
      // a crash after the commit, before the worker reported: the next attempt of an append
      // writes nothing, a merge writes the same rows again
      LoadOutcome again =
          loads.load(duck, "input", target, new LoadIdentity(run, "load-flights", null, 3));

      assertThat(retry.rows()).isEqualTo(ROWS);
      assertThat(again.rows()).isEqualTo(ROWS);
      if (mode == LoadTarget.Mode.APPEND) {
        assertThat(again.bytes()).isZero();
      }
      String figures =
          "SELECT count(*), count(DISTINCT id), sum(delay), sum(distance), min(date)::VARCHAR,"
              + " max(date)::VARCHAR";
      assertThat(Db.rows(pg, figures + " FROM crash.flights"))
          .isEqualTo(Db.rows(duck, figures + " FROM input"));
      assertThat(Db.rows(pg, "SELECT attempt, load_mode, row_count FROM crash.stevedore_loads"))
          .containsExactly((mode == LoadTarget.Mode.APPEND ? 2 : 3) + "|" + mode + "|" + ROWS);
    }
  }

  private static Process startChild(UUID run, int attempt, LoadTarget.Mode mode) throws Exception {
    Files.createDirectories(CHILD_TMP);
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-XX:TieredStopAtLevel=1",
            "-Djava.io.tmpdir=" + CHILD_TMP,
            "-cp",
            classpath,
            LoadChild.class.getName(),
            PostgresResource.jdbcUrl(),
            PostgresResource.USER,
            PostgresResource.PASSWORD,
            Db.flights(),
            String.valueOf(ROWS),
            TABLE,
            run.toString(),
            "load-flights",
            String.valueOf(attempt),
            mode.name());
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(CHILD_TMP.resolve("child.log").toFile())
        .start();
  }
}
