package io.stevedore.scheduler.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.scheduler.Teams;
import io.stevedore.scheduler.TestClock;
import io.stevedore.scheduler.domain.BackfillService;
import io.stevedore.scheduler.domain.ScheduleFirer;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Schedules fired against the real database with a settable clock. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class ScheduleFiringTest {

  @Inject ScheduleFirer firer;
  @Inject BackfillService backfills;
  @Inject DataSource dataSource;

  Teams.Team team;

  @BeforeEach
  void team() {
    team = Teams.create("sched");
  }

  @AfterEach
  void resetClock() {
    TestClock.CLOCK.reset();
  }

  static Instant berlin(String local, String offset) {
    return ZonedDateTime.parse(local + offset + "[Europe/Berlin]").toInstant();
  }

  void createPipeline(String name, String schedule) {
    team.as()
        .contentType("application/yaml")
        .body(Teams.spec(team.name(), name, schedule))
        .post("/api/v1/pipelines")
        .then()
        .statusCode(201);
  }

  void archive(String name) {
    team.as().delete("/api/v1/pipelines/" + name).then().statusCode(204);
  }

  List<Instant> scheduledRuns(String pipeline) throws Exception {
    return instants(
        "select r.logical_date from jobs.runs r join jobs.pipelines p on p.id = r.pipeline_id"
            + " join jobs.teams t on t.id = r.team_id where t.name = ? and p.name = ?"
            + " and r.trigger = 'SCHEDULE' order by r.logical_date",
        team.name(),
        pipeline);
  }

  List<Instant> instants(String sql, Object... params) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<Instant> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getTimestamp(1).toInstant());
        }
      }
      return out;
    }
  }

  void runClock(Instant until, Duration step) {
    while (TestClock.CLOCK.instant().isBefore(until)) {
      TestClock.CLOCK.advance(step);
      firer.fireDue();
    }
  }

  @Test
  void berlinSpringForwardNightSkipsTheMissingTimeOnce() throws Exception {
    TestClock.CLOCK.set(berlin("2026-03-27T12:00", "+01:00"));
    createPipeline("spring", "{ cron: \"30 2 * * *\", timezone: Europe/Berlin, catchup: all }");
    runClock(berlin("2026-03-31T12:00", "+02:00"), Duration.ofMinutes(20));
    assertThat(scheduledRuns("spring"))
        .containsExactly(
            berlin("2026-03-28T02:30", "+01:00"),
            berlin("2026-03-30T02:30", "+02:00"),
            berlin("2026-03-31T02:30", "+02:00"));
    archive("spring");
  }

  @Test
  void berlinFallBackNightFiresTheRepeatedHourOnce() throws Exception {
    TestClock.CLOCK.set(berlin("2026-10-24T23:50", "+02:00"));
    createPipeline("autumn", "{ cron: \"0 * * * *\", timezone: Europe/Berlin, catchup: all }");
    runClock(berlin("2026-10-25T04:30", "+01:00"), Duration.ofMinutes(10));
    assertThat(scheduledRuns("autumn"))
        .containsExactly(
            berlin("2026-10-25T00:00", "+02:00"),
            berlin("2026-10-25T01:00", "+02:00"),
            berlin("2026-10-25T02:00", "+02:00"),
            berlin("2026-10-25T03:00", "+01:00"),
            berlin("2026-10-25T04:00", "+01:00"));
    archive("autumn");
  }

  @Test
  void eachCatchupPolicyAfterAThreeDayOutage() throws Exception {
    TestClock.CLOCK.set(berlin("2026-06-01T10:00", "+02:00"));
    String daily = "cron: \"0 2 * * *\", timezone: Europe/Berlin";
    createPipeline("skip", "{ " + daily + ", catchup: skip }");
    createPipeline("latest", "{ " + daily + ", catchup: latest }");
    createPipeline("all", "{ " + daily + ", catchup: all }");
    createPipeline("all-max2", "{ " + daily + ", catchup: all, maxCatchup: 2 }");

    // down from before the first fire time until three days later
    TestClock.CLOCK.set(berlin("2026-06-05T09:00", "+02:00"));
    firer.fireDue();

    assertThat(scheduledRuns("skip")).isEmpty();
    // the lag of a fire time three days late is recorded
    assertThat(io.restassured.RestAssured.get("/q/metrics").then().extract().asString())
        .containsPattern("stevedore_scheduler_schedule_lag_seconds_max [0-9.E]+")
        .contains("stevedore_scheduler_schedule_lag_seconds_count");
    assertThat(scheduledRuns("latest")).containsExactly(berlin("2026-06-05T02:00", "+02:00"));
    assertThat(scheduledRuns("all"))
        .containsExactly(
            berlin("2026-06-02T02:00", "+02:00"),
            berlin("2026-06-03T02:00", "+02:00"),
            berlin("2026-06-04T02:00", "+02:00"),
            berlin("2026-06-05T02:00", "+02:00"));
    assertThat(scheduledRuns("all-max2"))
        .containsExactly(
            berlin("2026-06-04T02:00", "+02:00"), berlin("2026-06-05T02:00", "+02:00"));

    // afterwards every policy is back on its normal rhythm
    runClock(berlin("2026-06-06T03:00", "+02:00"), Duration.ofMinutes(30));
    for (String name : List.of("skip", "latest", "all", "all-max2")) {
      assertThat(scheduledRuns(name)).contains(berlin("2026-06-06T02:00", "+02:00"));
      archive(name);
    }
  }

  @Test
  void pausedScheduleDoesNotFireAndResumeDoesNotCatchUp() throws Exception {
    TestClock.CLOCK.set(berlin("2026-07-01T10:00", "+02:00"));
    createPipeline("pausable", "{ cron: \"0 * * * *\", timezone: Europe/Berlin, catchup: all }");
    team.as().post("/api/v1/pipelines/pausable/schedule/pause").then().statusCode(200);
    runClock(berlin("2026-07-01T15:00", "+02:00"), Duration.ofMinutes(30));
    assertThat(scheduledRuns("pausable")).isEmpty();
    team.as()
        .post("/api/v1/pipelines/pausable/schedule/resume")
        .then()
        .statusCode(200)
        .body("paused", org.hamcrest.Matchers.equalTo(false))
        .body("nextFireAt", org.hamcrest.Matchers.equalTo("2026-07-01T14:00:00Z"));
    runClock(berlin("2026-07-01T17:30", "+02:00"), Duration.ofMinutes(30));
    assertThat(scheduledRuns("pausable"))
        .containsExactly(
            berlin("2026-07-01T16:00", "+02:00"), berlin("2026-07-01T17:00", "+02:00"));
    team.as()
        .get("/api/v1/pipelines/pausable/schedule?count=3")
        .then()
        .statusCode(200)
        .body(
            "preview",
            org.hamcrest.Matchers.contains(
                "2026-07-01T16:00:00Z", "2026-07-01T17:00:00Z", "2026-07-01T18:00:00Z"));
    archive("pausable");
  }

  @Test
  void backfillOfThirtyDaysKeepsAtMostFiveActive() throws Exception {
    createPipeline("history", null);
    String id =
        team.as()
            .contentType("application/json")
            .body(Map.of("from", "2026-09-01", "to", "2026-09-30", "maxActive", 5))
            .post("/api/v1/pipelines/history/backfills")
            .then()
            .statusCode(201)
            .body("total", org.hamcrest.Matchers.equalTo(30))
            .body("active", org.hamcrest.Matchers.equalTo(5))
            .extract()
            .path("id");
    Random random = new Random(42);
    int maxActive = 0;
    for (int round = 0; round < 100; round++) {
      List<Instant> active = activeBackfillRuns(id);
      maxActive = Math.max(maxActive, active.size());
      if (active.isEmpty()) {
        break;
      }
      finishSome(id, 1 + random.nextInt(3));
      backfills.advanceAll();
    }
    backfills.advanceAll();
    assertThat(maxActive).isEqualTo(5);
    List<Instant> dates =
        instants(
            "select r.logical_date from scheduler.backfill_items i join jobs.runs r"
                + " on r.id = i.run_id where i.backfill_id = ?::uuid order by 1",
            id);
    assertThat(dates).hasSize(30);
    assertThat(new HashSet<>(dates)).hasSize(30);
    assertThat(dates.get(0)).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
    assertThat(dates.get(29)).isEqualTo(Instant.parse("2026-09-30T00:00:00Z"));
    team.as()
        .get("/api/v1/pipelines/history/backfills/" + id)
        .then()
        .body("status", org.hamcrest.Matchers.equalTo("DONE"))
        .body("succeeded", org.hamcrest.Matchers.equalTo(30));
  }

  List<Instant> activeBackfillRuns(String backfillId) throws Exception {
    return instants(
        "select r.logical_date from scheduler.backfill_items i join jobs.runs r on r.id = i.run_id"
            + " where i.backfill_id = ?::uuid and r.status in ('QUEUED', 'RUNNING')",
        backfillId);
  }

  /** Plays the orchestrator: finishes the oldest active runs of the backfill. */
  void finishSome(String backfillId, int n) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "update jobs.runs set status = 'SUCCEEDED' where id in (select r.id from"
                    + " scheduler.backfill_items i join jobs.runs r on r.id = i.run_id where"
                    + " i.backfill_id = ?::uuid and r.status = 'QUEUED' order by r.logical_date"
                    + " limit ?)")) {
      ps.setString(1, backfillId);
      ps.setInt(2, n);
      ps.executeUpdate();
    }
  }

  @Test
  void threeSchedulerInstancesOverAThousandFireTimesMakeEachRunExactlyOnce() throws Exception {
    Instant start = Instant.parse("2027-01-01T00:00:00Z");
    TestClock.CLOCK.set(start);
    createPipeline("minutely", "{ cron: \"* * * * *\", timezone: UTC, catchup: all }");
    int instances = 3;
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    CyclicBarrier together = new CyclicBarrier(instances);
    Instant end = start.plus(Duration.ofMinutes(1000));
    Random random = new Random(7);
    try {
      while (TestClock.CLOCK.instant().isBefore(end)) {
        // the scheduler instances poll at the same moment, 1-3 minutes apart
        Duration step = Duration.ofMinutes(1 + random.nextInt(3));
        if (TestClock.CLOCK.instant().plus(step).isAfter(end)) {
          step = Duration.between(TestClock.CLOCK.instant(), end);
        }
        TestClock.CLOCK.advance(step);
        List<Future<Integer>> polls = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
          polls.add(
              pool.submit(
                  () -> {
                    together.await();
                    return firer.fireDue();
                  }));
        }
        for (Future<Integer> f : polls) {
          f.get();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<Instant> runs = scheduledRuns("minutely");
    Set<Instant> expected = new HashSet<>();
    for (int i = 1; i <= 1000; i++) {
      expected.add(start.plus(Duration.ofMinutes(i)));
    }
    assertThat(runs).hasSize(1000); // no duplicate
    assertThat(new HashSet<>(runs)).isEqualTo(expected); // no miss
    archive("minutely");
  }
}
