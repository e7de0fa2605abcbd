package io.stevedore.scheduler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.common.spec.PipelineSpec.CatchupPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CatchupPlannerTest {

  static final CatchupPlanner PLANNER = new CatchupPlanner(Duration.ofMinutes(5), 100);
  static final CronSchedule DAILY_2AM = CronScheduleTest.schedule("0 2 * * *");
  static final CronSchedule HOURLY = CronScheduleTest.schedule("0 * * * *");

  // the scheduler stopped just before 2026-06-01 02:00 and came back 3 days later at 09:00
  static final Instant FIRST_DUE = CronScheduleTest.berlin("2026-06-01T02:00", "+02:00");
  static final Instant BACK = CronScheduleTest.berlin("2026-06-04T09:00", "+02:00");

  @Test
  void skipFiresNothingAfterThreeDayOutage() {
    var plan = PLANNER.plan(DAILY_2AM, FIRST_DUE, BACK, CatchupPolicy.SKIP, null);
    assertThat(plan.fireTimes()).isEmpty();
    assertThat(plan.skipped()).isEqualTo(4);
    assertThat(plan.nextFireAt()).isEqualTo(CronScheduleTest.berlin("2026-06-05T02:00", "+02:00"));
  }

  @Test
  void latestFiresOnlyTheMostRecentAfterThreeDayOutage() {
    var plan = PLANNER.plan(DAILY_2AM, FIRST_DUE, BACK, CatchupPolicy.LATEST, null);
    assertThat(plan.fireTimes())
        .containsExactly(CronScheduleTest.berlin("2026-06-04T02:00", "+02:00"));
    assertThat(plan.skipped()).isEqualTo(3);
  }

  @Test
  void allFiresEveryMissedTimeAfterThreeDayOutage() {
    var plan = PLANNER.plan(DAILY_2AM, FIRST_DUE, BACK, CatchupPolicy.ALL, null);
    assertThat(plan.fireTimes())
        .containsExactly(
            CronScheduleTest.berlin("2026-06-01T02:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-02T02:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-03T02:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-04T02:00", "+02:00"));
    assertThat(plan.skipped()).isZero();
  }

  @Test
  void allIsBoundedByMaxCatchupKeepingTheMostRecent() {
    var plan = PLANNER.plan(HOURLY, FIRST_DUE, BACK, CatchupPolicy.ALL, 5);
    // 80 hourly fire times are due; 09:00 is on time, the 79 before it were missed
    assertThat(plan.fireTimes())
        .containsExactly(
            CronScheduleTest.berlin("2026-06-04T04:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-04T05:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-04T06:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-04T07:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-04T08:00", "+02:00"),
            CronScheduleTest.berlin("2026-06-04T09:00", "+02:00"));
    assertThat(plan.skipped()).isEqualTo(79 - 5);
  }

  @Test
  void onTimeFireTimeAlwaysFiresEvenWithSkip() {
    Instant due = CronScheduleTest.berlin("2026-06-01T02:00", "+02:00");
    var plan = PLANNER.plan(DAILY_2AM, due, due.plusSeconds(20), CatchupPolicy.SKIP, null);
    assertThat(plan.fireTimes()).containsExactly(due);
  }

  @Test
  void maxCatchupZeroFiresNoMissedTime() {
    var plan = PLANNER.plan(DAILY_2AM, FIRST_DUE, BACK, CatchupPolicy.ALL, 0);
    assertThat(plan.fireTimes()).isEmpty();
  }
}
