package io.stevedore.validation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FlightsEngineTest {

  static final String FLIGHTS = "read_parquet(" + TestData.path("flights-3m.parquet") + ")";
  static final String AIRPORTS =
      "read_csv(" + TestData.path("airports.csv") + ", all_varchar = true)";
  static ValidationReport report;

  @BeforeAll
  static void runSuite() {
    Suite suite = TestData.suite("flights-16.yaml");
    Clock clock = Clock.fixed(Instant.parse("2002-01-15T00:00:00Z"), ZoneOffset.UTC);
    report =
        new ValidationEngine(clock)
            .run(
                suite,
                DatasetSource.forSuite(suite, TestData.file("flights-3m.parquet")),
                List.of(
                    DatasetSource.of("airports", DataFormat.CSV, TestData.file("airports.csv"))));
  }

  @Test
  void negativeDelaysPassARangeThatAllowsThem() {
    CheckResult r = report.check("delay-may-be-negative").orElseThrow();
    long outside =
        TestData.count("SELECT count(*) FROM " + FLIGHTS + " WHERE delay < -120 OR delay > 1500");
    assertThat(r.failedRows()).isEqualTo(outside);
    assertThat(r.passed()).isTrue();
    long negative = TestData.count("SELECT count(*) FROM " + FLIGHTS + " WHERE delay < 0");
    assertThat(negative).isPositive();
    assertThat(report.check("no-early-flights").orElseThrow().failedRows()).isEqualTo(negative);
  }

  @Test
  void noOriginIsNull() {
    CheckResult r = report.check("completeness(origin)").orElseThrow();
    assertThat(r.passed()).isTrue();
    assertThat(r.failedRows())
        .isZero()
        .isEqualTo(TestData.count("SELECT count(*) FROM " + FLIGHTS + " WHERE origin IS NULL"));
  }

  @Test
  void failingCountsMatchIndependentQueries() {
    assertThat(report.rowCount()).isEqualTo(3_000_000L);
    assertThat(report.check("allowedValues(origin)").orElseThrow().failedRows())
        .isEqualTo(
            TestData.count(
                "SELECT count(*) FROM "
                    + FLIGHTS
                    + " WHERE origin NOT IN ('ATL','ORD','DFW','LAX')"));
    assertThat(report.check("unique(date,origin,destination)").orElseThrow().failedRows())
        .isEqualTo(
            TestData.count(
                "SELECT coalesce(sum(c), 0) FROM (SELECT count(*) c FROM "
                    + FLIGHTS
                    + " GROUP BY date, origin, destination HAVING count(*) > 1)"));
    assertThat(report.check("referential(origin->airports)").orElseThrow().failedRows())
        .isEqualTo(
            TestData.count(
                "SELECT count(*) FROM "
                    + FLIGHTS
                    + " f WHERE NOT EXISTS (SELECT 1 FROM "
                    + AIRPORTS
                    + " a WHERE a.iata = f.origin)"));
    assertThat(report.check("not-same-airport").orElseThrow().failedRows())
        .isEqualTo(
            TestData.count(
                "SELECT count(*) FROM " + FLIGHTS + " WHERE (origin <> destination) IS NOT TRUE"));
  }

  @Test
  void sixteenChecksReadTheDataTwiceMeasuredFromTheProfile() {
    assertThat(report.checks()).hasSize(16);
    assertThat(report.checks()).allMatch(c -> c.error() == null);
    // one aggregate pass for 15 checks, one GROUPING SETS pass for uniqueness
    assertThat(report.scansOfData()).isEqualTo(2);
    // one failed row check (no-early-flights): one more pass to sample its rows
    assertThat(report.failedChecks()).containsExactly("no-early-flights");
    assertThat(report.scansForSamples()).isEqualTo(1);
    // the referential check reads airports once, not once per row; the sample pass does not join
    // it because the referential check passed
    assertThat(report.scansOfReferences()).containsExactly(java.util.Map.entry("airports", 1));
  }

  @Test
  void failedChecksKeepBoundedSamplesWithReasons() {
    CheckResult r = report.check("no-early-flights").orElseThrow();
    assertThat(r.samples()).hasSize(20);
    assertThat(r.samples())
        .allSatisfy(s -> assertThat(((Number) s.row().get("delay")).longValue()).isNegative());
    assertThat(r.samples().get(0).reason()).isEqualTo("delay outside [0, ]");
  }

  @Test
  void aFailedWarnCheckGivesWarnAndTheWeightedScore() {
    assertThat(report.verdict()).isEqualTo(Verdict.WARN);
    double sum = 0;
    double weights = 0;
    for (CheckResult c : report.checks()) {
      double w = c.severity() == io.stevedore.validation.suite.Severity.FAIL ? 2 : 1;
      sum += w * c.passRatio();
      weights += w;
    }
    assertThat(report.score()).isEqualTo(Math.round(10_000 * sum / weights) / 100.0);
    assertThat(report.score()).isBetween(90.0, 100.0);
  }
}
