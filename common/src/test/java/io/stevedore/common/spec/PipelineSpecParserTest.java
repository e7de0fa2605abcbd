package io.stevedore.common.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.stevedore.common.spec.PipelineSpec.Backoff;
import io.stevedore.common.spec.PipelineSpec.CatchupPolicy;
import io.stevedore.common.spec.PipelineSpec.DataFormat;
import io.stevedore.common.spec.PipelineSpec.FailureClass;
import io.stevedore.common.spec.PipelineSpec.LoadMode;
import io.stevedore.common.spec.PipelineSpec.OnFail;
import io.stevedore.common.spec.PipelineSpec.Parameter;
import io.stevedore.common.spec.PipelineSpec.Resources;
import io.stevedore.common.spec.PipelineSpec.RetryPolicy;
import io.stevedore.common.spec.PipelineSpec.Schedule;
import io.stevedore.common.spec.PipelineSpec.SourceKind;
import io.stevedore.common.spec.PipelineSpec.Stage;
import io.stevedore.common.spec.PipelineSpec.StageType;
import io.stevedore.common.spec.PipelineSpec.TargetKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineSpecParserTest {

  private final PipelineSpecParser parser = new PipelineSpecParser();

  @Test
  void parsesTheExampleFromYamlAndFromJsonIntoEqualRecords() {
    SpecParseResult fromYaml = parser.parse(resource("/specs/example.yaml"), SpecFormat.YAML);
    SpecParseResult fromJson = parser.parse(resource("/specs/example.json"), SpecFormat.JSON);

    assertThat(fromYaml.problems()).isEmpty();
    assertThat(fromJson.problems()).isEmpty();
    assertThat(fromYaml.spec()).isEqualTo(fromJson.spec());

    PipelineSpec spec = fromYaml.spec();
    assertThat(spec.name()).isEqualTo("flights-daily");
    assertThat(spec.team()).isEqualTo("analytics");
    assertThat(spec.parameters()).containsExactly(Map.entry("region", new Parameter("us", null)));
    assertThat(spec.maxActiveRuns()).isEqualTo(1);
    assertThat(spec.schedule())
        .isEqualTo(new Schedule("0 2 * * *", "Europe/Berlin", CatchupPolicy.LATEST, 10));
    assertThat(spec.stages())
        .extracting(Stage::id, Stage::type, Stage::dependsOn)
        .containsExactly(
            tuple("extract-flights", StageType.EXTRACT, List.of()),
            tuple("extract-airports", StageType.EXTRACT, List.of()),
            tuple("check-flights", StageType.VALIDATE, List.of("extract-flights")),
            tuple(
                "delays-by-state",
                StageType.TRANSFORM,
                List.of("check-flights", "extract-airports")),
            tuple("load-warehouse", StageType.LOAD, List.of("delays-by-state")),
            tuple("load-lake", StageType.LOAD, List.of("delays-by-state")),
            tuple("custom", StageType.CONTAINER, List.of("load-lake")));

    Stage extract = spec.stage("extract-flights").orElseThrow();
    assertThat(extract.source().kind()).isEqualTo(SourceKind.S3);
    assertThat(extract.source().uri()).isEqualTo("s3://raw/flights/{{ logical_date }}.parquet");
    assertThat(extract.source().format()).isEqualTo(DataFormat.PARQUET);
    assertThat(extract.resources()).isEqualTo(new Resources(1024, 2048));
    assertThat(extract.retry())
        .isEqualTo(
            new RetryPolicy(
                3,
                Backoff.EXPONENTIAL,
                Duration.ofSeconds(10),
                List.of(FailureClass.CAPACITY, FailureClass.THROTTLED)));
    assertThat(extract.timeout()).isEqualTo(Duration.ofMinutes(30));

    assertThat(spec.stage("check-flights").orElseThrow().suite()).isEqualTo("flights-contract");
    assertThat(spec.stage("delays-by-state").orElseThrow().sql())
        .startsWith("select a.state, avg(f.delay)");
    var warehouse = spec.stage("load-warehouse").orElseThrow().target();
    assertThat(warehouse.kind()).isEqualTo(TargetKind.POSTGRES);
    assertThat(warehouse.table()).isEqualTo("analytics.delays_by_state");
    assertThat(warehouse.mode()).isEqualTo(LoadMode.MERGE);
    assertThat(warehouse.key()).containsExactly("state", "day");
    var lake = spec.stage("load-lake").orElseThrow().target();
    assertThat(lake.partitionBy()).containsExactly("day");
    Stage custom = spec.stage("custom").orElseThrow();
    assertThat(custom.image())
        .isEqualTo("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/thing:1.2");
    assertThat(custom.command()).containsExactly("python", "run.py");
  }

  @Test
  void appliesDefaults() {
    PipelineSpec spec =
        parser.parseOrThrow(
            """
            name: p
            team: t
            schedule: { cron: "*/15 * * * *" }
            stages:
              - { id: a, type: extract, source: { kind: postgres, query: select 1 } }
              - { id: v, type: validate, suite: s, dependsOn: [a] }
              - { id: l, type: load, dependsOn: [v], target: { kind: postgres, table: t } }
            """);

    assertThat(spec.maxActiveRuns()).isEqualTo(1);
    assertThat(spec.parameters()).isEmpty();
    assertThat(spec.schedule().timezone()).isEqualTo("UTC");
    assertThat(spec.schedule().zone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(spec.schedule().catchup()).isEqualTo(CatchupPolicy.LATEST);
    assertThat(spec.schedule().maxCatchup()).isNull();
    Stage extract = spec.stages().get(0);
    assertThat(extract.resources()).isEqualTo(new Resources(256, 512));
    assertThat(extract.retry().maxAttempts()).isEqualTo(1);
    assertThat(extract.retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(extract.timeout()).isNull();
    assertThat(extract.onFail()).isNull();
    assertThat(extract.command()).isEmpty();
    assertThat(extract.env()).isEmpty();
    assertThat(spec.stages().get(1).onFail()).isEqualTo(OnFail.STOP);
    assertThat(spec.stages().get(2).target().mode()).isEqualTo(LoadMode.APPEND);
  }

  @Test
  void writesCanonicalJsonThatParsesBackToAnEqualSpec() {
    PipelineSpec fromYaml = parser.parseOrThrow(resource("/specs/example.yaml"));
    PipelineSpec fromJson = parser.parseOrThrow(resource("/specs/example.json"));

    String canonical = parser.toJson(fromYaml);

    assertThat(canonical).isEqualTo(parser.toJson(fromJson));
    assertThat(canonical).startsWith("{\"name\":\"flights-daily\",\"team\":\"analytics\",");
    assertThat(canonical).doesNotContain("\n  ").contains("\"timeout\":\"30m\"");
    assertThat(parser.parse(canonical, SpecFormat.JSON).spec()).isEqualTo(fromYaml);
  }

  @Test
  void readsStoredCanonicalJsonIntoTheSpecItWasWrittenFrom() {
    PipelineSpec spec = parser.parseOrThrow(resource("/specs/example.yaml"));

    assertThat(parser.readStored(parser.toJson(spec))).isEqualTo(spec);
  }

  @Test
  void storedTextThatDoesNotMapIsCheckedAndEveryProblemNamed() {
    String notASpec = "{\"name\": \"p\", \"team\": \"t\", \"stages\": \"none\"}";

    assertThatThrownBy(() -> parser.readStored(notASpec))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e -> assertThat(e.problems()).extracting(SpecProblem::path).contains("stages"));
  }

  @Test
  void canonicalJsonSortsMapsAndNormalizesDurations() {
    PipelineSpec a =
        parser.parseOrThrow(
            """
            name: p
            team: t
            parameters: { b: {}, a: { default: 1 } }
            stages:
              - id: c
                type: container
                image: img
                timeout: 120m
                retry: { initialDelay: 90s }
                env: { Z: "1", A: true }
            """);
    PipelineSpec b =
        parser.parseOrThrow(
            """
            {"name": "p", "team": "t", "parameters": {"a": {"default": "1"}, "b": {}},
             "stages": [{"id": "c", "type": "container", "image": "img", "timeout": "2h",
                         "retry": {"initialDelay": "90s"}, "env": {"A": "true", "Z": 1}}]}
            """);

    assertThat(a).isEqualTo(b);
    assertThat(parser.toJson(a))
        .isEqualTo(parser.toJson(b))
        .contains("\"parameters\":{\"a\":{\"default\":\"1\"},\"b\":{}}")
        .contains("\"timeout\":\"2h\"")
        .contains("\"initialDelay\":\"90s\"")
        .contains("\"env\":{\"A\":\"true\",\"Z\":\"1\"}");
  }

  @Test
  void parsesTheFlightsDailySampleOverTheRealDataSets() {
    SpecParseResult result = parser.parse(resource("/specs/flights-daily.yaml"));

    assertThat(result.problems()).isEmpty();
    PipelineSpec spec = result.spec();
    assertThat(spec.parameters().get("min_flights").defaultValue()).isEqualTo("10");
    assertThat(spec.schedule().catchup()).isEqualTo(CatchupPolicy.ALL);
    assertThat(spec.schedule().maxCatchup()).isEqualTo(7);
    assertThat(spec.stage("extract-flights").orElseThrow().source().uri())
        .endsWith("/flights-3m.parquet");
    assertThat(spec.stage("extract-airports").orElseThrow().source().format())
        .isEqualTo(DataFormat.CSV);
    assertThat(spec.stage("check-flights").orElseThrow().onFail()).isEqualTo(OnFail.QUARANTINE);
    Stage transform = spec.stage("delays-by-state").orElseThrow();
    assertThat(transform.resources()).isEqualTo(new Resources(2048, 8192));
    assertThat(transform.timeout()).isEqualTo(Duration.ofHours(1));
    assertThat(transform.sql()).contains("a.iata = f.origin", "{{ params.min_flights }}");
    assertThat(spec.stage("load-lake").orElseThrow().target().mode()).isEqualTo(LoadMode.OVERWRITE);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    SpecParseResult result =
        parser.parse(
            """
            name: flights-daily
            team: analytics
            schedule: { cron: "0 2 * * *", timezone: Europe/Berln }
            stages:
              - id: extract-flights
                type: extract
                source: { kind: s3, uri: "s3://raw/{{ logical_dat }}.parquet", format: parquet }
                resources: { cpu: 1024, memory: 1024 }
              - id: check-flights
                type: validate
                dependsOn: [extract-flight]
                onFail: stop
              - id: delays
                type: transform
                dependsOn: [load]
                sql: select 1
                retry: { maxAttempts: 0 }
              - id: load
                type: load
                dependsOn: [delays]
                target: { kind: postgres, table: analytics.delays, mode: merge, key: [state] }
                colour: blue
            """);

    assertThat(result.isValid()).isFalse();
    assertThat(result.problems())
        .extracting(SpecProblem::toString)
        .containsExactly(
            "schedule.timezone: unknown time zone 'Europe/Berln'",
            "stages: dependency cycle delays -> load -> delays",
            "stages[0].resources.memory: memory 1024 is not valid with cpu 1024; valid memory"
                + " for cpu 1024: 2048 to 8192 in steps of 1024",
            "stages[0].source.uri: unknown variable 'logical_dat' in '{{ logical_dat }}'; known"
                + " variables: logical_date, logical_date_nodash, run_id, pipeline, team,"
                + " stage_id, params.<name>",
            "stages[1].dependsOn[0]: unknown stage 'extract-flight'",
            "stages[1].suite: required when type is 'validate'",
            "stages[2].retry.maxAttempts: must be at least 1, got 0",
            "stages[3].colour: unknown field; allowed fields: id, type, dependsOn, resources,"
                + " retry, timeout, source, sql, suite, onFail, target, image, command, env");
  }

  @Test
  void problemsCarryTheOffendingValue() {
    List<SpecProblem> problems =
        parser
            .parse(
                """
                name: p
                team: t
                stages:
                  - { id: a, type: transform, sql: select 1, dependsOn: [extract-flight] }
                  - { id: b, type: validate, dependsOn: [a] }
                """)
            .problems();

    assertThat(problems)
        .containsExactly(
            new SpecProblem(
                "stages[0].dependsOn[0]", "unknown stage 'extract-flight'", "extract-flight"),
            new SpecProblem("stages[1].suite", "required when type is 'validate'", null));
    assertThat(problems.get(0))
        .hasToString("stages[0].dependsOn[0]: unknown stage 'extract-flight'");
    assertThat(new SpecProblem("", "the document is empty", null))
        .hasToString("the document is empty");
  }

  @Test
  void parseOrThrowCarriesEveryProblem() {
    String spec =
        """
        {"name": "p", "team": "t", "schedule": {"cron": "0 2 * *"},
         "stages": [{"id": "a", "type": "transform", "sql": "x", "dependsOn": ["a"]}]}
        """;

    assertThatThrownBy(() -> parser.parseOrThrow(spec))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.problems())
                    .extracting(SpecProblem::path)
                    .containsExactly("schedule.cron", "stages[0].dependsOn[0]"))
        .hasMessage(
            """
            pipeline spec has 2 problems:
              schedule.cron: invalid cron expression '0 2 * *': expected 5 fields (minute hour\
             day-of-month month day-of-week), got 4
              stages[0].dependsOn[0]: stage 'a' depends on itself""");
  }

  @Test
  void guessesTheFormatFromTheFirstNonBlankCharacter() {
    assertThat(SpecFormat.guess("  \n {\"name\": 1}")).isEqualTo(SpecFormat.JSON);
    assertThat(SpecFormat.guess("[]")).isEqualTo(SpecFormat.JSON);
    assertThat(SpecFormat.guess("\uFEFF# comment\nname: x")).isEqualTo(SpecFormat.YAML);
    assertThat(SpecFormat.guess("")).isEqualTo(SpecFormat.YAML);
    // JSON is YAML too: a JSON document read as YAML gives the same spec
    String json = resource("/specs/example.json");
    assertThat(parser.parse(json, SpecFormat.YAML).spec())
        .isEqualTo(parser.parse(json, SpecFormat.JSON).spec());
  }

  @Test
  void retryDelaysFollowTheBackoff() {
    RetryPolicy exponential = new RetryPolicy(5, Backoff.EXPONENTIAL, Duration.ofSeconds(10), null);
    RetryPolicy fixed = new RetryPolicy(5, Backoff.FIXED, Duration.ofSeconds(10), null);

    assertThat(List.of(1, 2, 3, 4))
        .map(exponential::delayAfter)
        .containsExactly(
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(80));
    assertThat(exponential.delayAfter(60)).isEqualTo(Duration.ofDays(1));
    assertThat(fixed.delayAfter(4)).isEqualTo(Duration.ofSeconds(10));
    assertThat(exponential.retries(FailureClass.CAPACITY)).isTrue();
    assertThat(exponential.retries(FailureClass.USER_ERROR)).isFalse();
  }

  @Test
  void knowsTheFargateSizes() {
    assertThat(Resources.validMemory(256)).containsExactly(512, 1024, 2048);
    assertThat(Resources.validMemory(512)).containsExactly(1024, 2048, 3072, 4096);
    assertThat(Resources.validMemory(4096)).hasSize(23).startsWith(8192).endsWith(30720);
    assertThat(Resources.validMemory(16384)).hasSize(12).startsWith(32768).endsWith(122880);
    assertThat(Resources.validMemory(300)).isEmpty();
    assertThat(new Resources(2048, 16384).isValidFargateSize()).isTrue();
    assertThat(new Resources(2048, 2048).isValidFargateSize()).isFalse();
  }

  @Test
  void scheduleExposesTheParsedCron() {
    Schedule schedule = new Schedule("0 2 * * 1-5", "Europe/Berlin", null, null);

    assertThat(schedule.parsedCron().asString()).isEqualTo("0 2 * * 1-5");
    assertThat(schedule.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
  }

  @Test
  void readsExplicitColumnTypesConnectionsAndJdbcTargets() {
    SpecParseResult result =
        parser.parse(
            """
            name: zips
            team: geo
            stages:
              - id: extract-zips
                type: extract
                source:
                  kind: s3
                  uri: s3://raw/zipcodes.csv
                  format: csv
                  columns: { zip_code: varchar, latitude: "decimal(9,6)" }
              - id: extract-orders
                type: extract
                source: { kind: postgres, query: "select * from orders", connection: crm }
              - id: load-mart
                type: load
                dependsOn: [extract-zips]
                target: { kind: jdbc, table: mart.zips, connection: mart, createTable: true }
            """);

    assertThat(result.problems()).isEmpty();
    PipelineSpec spec = result.spec();
    assertThat(spec.stage("extract-zips").orElseThrow().source().columns())
        .containsExactly(Map.entry("zip_code", "varchar"), Map.entry("latitude", "decimal(9,6)"));
    assertThat(spec.stage("extract-zips").orElseThrow().source().connection()).isNull();
    assertThat(spec.stage("extract-orders").orElseThrow().source().connection()).isEqualTo("crm");
    var mart = spec.stage("load-mart").orElseThrow().target();
    assertThat(mart.kind()).isEqualTo(TargetKind.JDBC);
    assertThat(mart.connection()).isEqualTo("mart");
    assertThat(mart.createTable()).isTrue();
    assertThat(parser.parse(parser.toJson(spec), SpecFormat.JSON).spec()).isEqualTo(spec);
  }

  private static String resource(String name) {
    try (InputStream in = PipelineSpecParserTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
