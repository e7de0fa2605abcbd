package io.stevedore.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** How stream mode merges {@code STEVEDORE_STAGE_SPEC} and its options, and what it rejects. */
class StreamCommandTest {

  static final String SPEC =
      "{\"id\":\"orders-stream\",\"type\":\"stream\",\"dependsOn\":[],"
          + "\"source\":{\"kind\":\"kinesis\",\"uri\":\"kinesis://clicks\",\"format\":\"json\","
          + "\"columns\":{\"zip\":\"VARCHAR\"}},"
          + "\"sql\":\"select * from batch where ok\","
          + "\"target\":{\"kind\":\"postgres\",\"table\":\"analytics.clicks\",\"mode\":\"merge\","
          + "\"key\":[\"id\"]}}";

  StreamCommand.Settings resolve(Map<String, String> env, String... args) {
    StreamCommand command = new StreamCommand();
    command.mapper = new ObjectMapper();
    CommandLine cl = new CommandLine(command);
    cl.parseArgs(args);
    return command.resolve(cl, env);
  }

  @Test
  void readsTheStageFromTheSpecWithTheStreamIdFromPipelineAndStage() {
    var s =
        resolve(
            Map.of(
                "STEVEDORE_STAGE_SPEC", SPEC,
                "STEVEDORE_PIPELINE", "shop",
                "STEVEDORE_STAGE_ID", "orders-stream"));

    assertThat(s.sourceKind()).isEqualTo("kinesis");
    assertThat(s.sourceName()).isEqualTo("clicks");
    assertThat(s.sql()).isEqualTo("select * from batch where ok");
    assertThat(s.table()).isEqualTo("analytics.clicks");
    assertThat(s.mode()).isEqualTo(WarehouseTable.Mode.MERGE);
    assertThat(s.key()).containsExactly("id");
    assertThat(s.columns()).containsEntry("zip", "VARCHAR");
    assertThat(s.streamId()).isEqualTo("shop/orders-stream");
  }

  @Test
  void takesTheSchemeFromTheSpecsSourceKindWhenTheUriHasNone() {
    var s =
        resolve(
            Map.of(
                "STEVEDORE_STAGE_SPEC",
                SPEC.replace("\"kinesis://clicks\"", "\"clicks\"")
                    .replace("\"kind\":\"kinesis\"", "\"kind\":\"sqs\""),
                "STEVEDORE_PIPELINE",
                "shop"));

    assertThat(s.sourceKind()).isEqualTo("sqs");
    assertThat(s.sourceName()).isEqualTo("clicks");
    assertThat(s.streamId()).isEqualTo("shop/orders-stream");
  }

  @Test
  void optionsWinOverTheSpec() {
    var s =
        resolve(
            Map.of("STEVEDORE_STAGE_SPEC", SPEC),
            "--source",
            "sqs://https://sqs.eu-west-1.amazonaws.com/123/orders",
            "--mode",
            "append",
            "--target-table",
            "raw_orders",
            "--stream-id",
            "manual");

    assertThat(s.sourceKind()).isEqualTo("sqs");
    assertThat(s.sourceName()).isEqualTo("https://sqs.eu-west-1.amazonaws.com/123/orders");
    assertThat(s.mode()).isEqualTo(WarehouseTable.Mode.APPEND);
    assertThat(s.table()).isEqualTo("raw_orders");
    assertThat(s.streamId()).isEqualTo("manual");
    assertThat(s.sql()).isEqualTo("select * from batch where ok");
  }

  @Test
  void rejectsWhatCannotRunWithTheOffendingValue() {
    assertThatThrownBy(() -> resolve(Map.of(), "--source", "kafka://x", "--stream-id", "a"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("source 'kafka://x' is not sqs://");
    assertThatThrownBy(
            () ->
                resolve(
                    Map.of(),
                    "--source",
                    "sqs://q",
                    "--target-table",
                    "t",
                    "--mode",
                    "merge",
                    "--stream-id",
                    "a"))
        .hasMessageContaining("--mode merge needs --key");
    assertThatThrownBy(
            () -> resolve(Map.of(), "--source", "sqs://q", "--target-table", "drop table x"))
        .hasMessageContaining("--target-table schema.table")
        .hasMessageContaining("'drop table x'");
    assertThatThrownBy(() -> resolve(Map.of(), "--source", "sqs://q", "--target-table", "t"))
        .hasMessageContaining("--stream-id, or STEVEDORE_PIPELINE and STEVEDORE_STAGE_ID");
    assertThatThrownBy(() -> resolve(Map.of("STEVEDORE_STAGE_SPEC", "{not json")))
        .hasMessageContaining("STEVEDORE_STAGE_SPEC is not a stream stage spec");
    assertThatThrownBy(
            () ->
                resolve(
                    Map.of(
                        "STEVEDORE_STAGE_SPEC",
                        SPEC.replace("\"format\":\"json\"", "\"format\":\"csv\"")),
                    "--stream-id",
                    "a"))
        .hasMessageContaining("source format 'csv' is not supported");
  }

  @Test
  void readsDurationsInShortAndIsoForm() {
    var converter = new StreamCommand.DurationConverter();

    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(converter.convert("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> converter.convert("soon"))
        .hasMessageContaining("'soon' is not a duration");
  }

  @Test
  void namesTheDeadLetterQueueAfterTheQueue() {
    assertThat(SqsStreamSource.defaultDeadLetter("orders")).isEqualTo("orders-dlq");
    assertThat(SqsStreamSource.defaultDeadLetter("https://sqs.x/123/orders.fifo"))
        .isEqualTo("orders-dlq.fifo");
    assertThat(List.of(BatchTransform.stripSemicolons("select 1 ;; "))).containsExactly("select 1");
  }
}
