package io.stevedore.scheduler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  static CronSchedule schedule(String cron) {
    return new CronSchedule(PARSER.parse(cron), BERLIN);
  }

  static Instant berlin(String localDateTime, String offset) {
    return ZonedDateTime.parse(localDateTime + offset + "[Europe/Berlin]").toInstant();
  }

  @Test
  void springForwardSkipsTheMissingTimeOnce() {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that night
    List<Instant> fires = schedule("30 2 * * *").preview(berlin("2026-03-27T12:00", "+01:00"), 3);
    assertThat(fires)
        .containsExactly(
            berlin("2026-03-28T02:30", "+01:00"),
            berlin("2026-03-30T02:30", "+02:00"),
            berlin("2026-03-31T02:30", "+02:00"));
  }

  @Test
  void springForwardHourlyHasNoFireInTheSkippedHour() {
    List<Instant> fires = schedule("15 * * * *").preview(berlin("2026-03-29T00:30", "+01:00"), 3);
    assertThat(fires)
        .containsExactly(
            berlin("2026-03-29T01:15", "+01:00"),
            berlin("2026-03-29T03:15", "+02:00"),
            berlin("2026-03-29T04:15", "+02:00"));
  }

  @Test
  void fallBackFiresTheRepeatedTimeOnce() {
    // 2026-10-25: 03:00 CEST goes back to 02:00 CET, so 02:30 happens twice
    List<Instant> fires = schedule("30 2 * * *").preview(berlin("2026-10-24T12:00", "+02:00"), 3);
    assertThat(fires)
        .containsExactly(
            berlin("2026-10-25T02:30", "+02:00"),
            berlin("2026-10-26T02:30", "+01:00"),
            berlin("2026-10-27T02:30", "+01:00"));
  }

  @Test
  void fallBackHourlyFiresTheRepeatedHourOnce() {
    List<Instant> fires = schedule("0 * * * *").preview(berlin("2026-10-25T00:30", "+02:00"), 4);
    assertThat(fires)
        .containsExactly(
            berlin("2026-10-25T01:00", "+02:00"),
            berlin("2026-10-25T02:00", "+02:00"),
            berlin("2026-10-25T03:00", "+01:00"),
            berlin("2026-10-25T04:00", "+01:00"));
  }

  @Test
  void fallBackStartingInsideTheSecondPassDoesNotRefire() {
    // we are in the second 02:xx (CET); 02:30 already fired in the first pass (CEST)
    Instant inSecondPass = berlin("2026-10-25T02:10", "+01:00");
    assertThat(schedule("30 2 * * *").nextAfter(inSecondPass))
        .contains(berlin("2026-10-26T02:30", "+01:00"));
  }

  @Test
  void betweenIsInclusiveAndBounded() {
    CronSchedule daily = schedule("0 2 * * *");
    Instant from = berlin("2026-06-01T02:00", "+02:00");
    Instant to = berlin("2026-06-04T02:00", "+02:00");
    assertThat(daily.between(from, to, 10)).hasSize(4);
    assertThat(daily.between(from, to, 2))
        .containsExactly(from, berlin("2026-06-02T02:00", "+02:00"));
  }
}
