package io.stevedore.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class WorkerCommandTest {

  private static final String RUN_ID = "0b6f4a8e-2c1d-4e55-9a43-5d7b1f0c9e21";

  @Test
  @Launch(
      value = {},
      exitCode = 0)
  void printsUsageListingEverySubcommandWhenGivenNoArguments(LaunchResult result) {
    assertThat(result.getOutput())
        .contains("Usage: etl-worker")
        .contains("extract", "transform", "load", "validate", "stream");
  }

  @Test
  void rejectsUnknownSubcommandWithMessage(QuarkusMainLauncher launcher) {
    LaunchResult result = launcher.launch("frobnicate");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.getErrorOutput()).contains("Unmatched argument", "'frobnicate'");
  }

  @Test
  void validateWithValidOptionsSaysItIsNotTheWorkersAndExitsTwo(QuarkusMainLauncher launcher) {
    LaunchResult result =
        launcher.launch(
            "validate",
            "--run-id",
            RUN_ID,
            "--stage-id",
            "check-flights",
            "--dataset",
            "s3://stevedore-stages/runs/" + RUN_ID + "/extract-flights/",
            "--suite",
            "flights-contract",
            "--report",
            "s3://stevedore-reports/x.json");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.getErrorOutput()).contains("arguments are valid", "check-flights");
  }

  @Test
  void extractRejectsSourceThatIsNotS3(QuarkusMainLauncher launcher) {
    LaunchResult result =
        launcher.launch(
            "extract",
            "--run-id",
            RUN_ID,
            "--stage-id",
            "extract-flights",
            "--source",
            "/tmp/flights.parquet",
            "--format",
            "parquet",
            "--output",
            "s3://stevedore-stages/x/");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.getErrorOutput())
        .contains("--source '/tmp/flights.parquet' is not an s3://bucket/key location")
        .doesNotContain("lands with the worker issue");
  }

  @Test
  void loadMergeWithoutKeyIsRejected(QuarkusMainLauncher launcher) {
    LaunchResult result =
        launcher.launch(
            "load",
            "--run-id",
            RUN_ID,
            "--stage-id",
            "load-warehouse",
            "--input",
            "s3://stevedore-stages/x/delays-by-state/",
            "--target-kind",
            "postgres",
            "--table",
            "analytics.delays_by_state",
            "--mode",
            "merge");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.getErrorOutput()).contains("--mode merge needs --key");
  }

  @Test
  void transformWithoutStageIdOrEnvironmentNamesWhatIsMissing(QuarkusMainLauncher launcher) {
    LaunchResult result = launcher.launch("transform", "--run-id", RUN_ID);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.getErrorOutput())
        .contains("no stage id: pass --stage-id or set STEVEDORE_STAGE_ID");
  }

  @Test
  void transformWithoutSqlOrSpecNamesWhatIsMissing(QuarkusMainLauncher launcher) {
    LaunchResult result =
        launcher.launch("transform", "--run-id", RUN_ID, "--stage-id", "delays-by-state");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.getErrorOutput()).contains("no SQL: pass --sql");
  }
}
