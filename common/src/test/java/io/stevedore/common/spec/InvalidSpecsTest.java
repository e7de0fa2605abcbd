package io.stevedore.common.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid specs, one rule each, with the exact problems expected (as {@code path | message}, in the
 * order reported).
 */
class InvalidSpecsTest {

  private static final PipelineSpecParser PARSER = new PipelineSpecParser();

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void reportsExactlyTheseProblems(String behaviour, String spec, List<String> expected) {
    SpecParseResult result = PARSER.parse(spec);

    assertThat(result.isValid()).isFalse();
    assertThat(result.problems())
        .extracting(p -> p.path() + " | " + p.message())
        .containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        invalid(
            "rejectsYamlSyntaxError",
            """
            name: p
            team: t
              stages: []
            """,
            " | invalid YAML at line 3, column 9: mapping values are not allowed here"),
        invalid(
            "rejectsJsonSyntaxError",
            """
            {"name": "p", "team": "t",
             "stages": [ {"id": "a", "type": "transform", "sql": "select 1"} }
            """,
            " | invalid JSON at line 2, column 66: unexpected close marker '}': expected ']'"
                + " (for Array starting at line 2, column 12)"),
        invalid(
            "rejectsDuplicateKeys",
            """
            name: p
            team: t
            name: q
            stages: [ { id: a, type: transform, sql: select 1 } ]
            """,
            " | invalid YAML at line 3, column 5: duplicate field 'name'"),
        invalid("rejectsEmptyDocument", "   \n", " | the document is empty"),
        invalid("rejectsDocumentThatIsNotAnObject", "[1, 2]", " | must be an object, got a list"),
        invalid(
            "rejectsWrongTypes",
            """
            name: p
            team: 42
            maxActiveRuns: "2"
            stages:
              - { id: a, type: transform, sql: [select 1], dependsOn: b }
              - just-a-string
            """,
            "maxActiveRuns | must be an integer, got '2'",
            "stages[0].dependsOn | must be a list, got 'b'",
            "stages[0].sql | must be a string, got a list",
            "stages[1] | must be an object, got 'just-a-string'",
            "team | must be a string, got 42"),
        invalid(
            "rejectsUnknownFields",
            """
            name: p
            team: t
            owner: someone
            stages:
              - { id: a, type: transform, sql: select 1, cpu: 512 }
            """,
            "owner | unknown field; allowed fields: name, team, parameters, maxActiveRuns,"
                + " schedule, stages",
            "stages[0].cpu | unknown field; allowed fields: id, type, dependsOn, resources, retry,"
                + " timeout, source, sql, suite, onFail, target, image, command, env"),
        invalid(
            "rejectsMissingRequiredFields",
            """
            name: p
            stages:
              - { id: a }
              - { type: transform, sql: select 1 }
            """,
            "stages[0].type | required field is missing",
            "stages[1].id | required field is missing",
            "team | required field is missing"),
        invalid(
            "rejectsPipelineWithoutStages",
            """
            name: p
            team: t
            stages: []
            """,
            "stages | must not be empty"),
        invalid(
            "rejectsInvalidNames",
            """
            name: Flights_Daily
            team: %s
            stages:
              - { id: extract flights, type: transform, sql: select 1 }
            """
                .formatted("t".repeat(64)),
            "name | invalid name 'Flights_Daily'; use 1 to 63 lowercase letters, digits or '-'",
            "stages[0].id | invalid id 'extract flights'; use 1 to 63 lowercase letters, digits"
                + " or '-'",
            "team | invalid team '"
                + "t".repeat(64)
                + "'; use 1 to 63 lowercase letters, digits or '-'"),
        invalid(
            "rejectsUnknownStageType",
            """
            name: p
            team: t
            stages:
              - { id: a, type: extrct, source: { kind: s3, uri: "s3://b/k", format: csv } }
            """,
            "stages[0].type | unknown value 'extrct'; expected one of extract, transform, validate,"
                + " load, container"),
        invalid(
            "rejectsUnknownStageInDependsOn",
            """
            name: p
            team: t
            stages:
              - { id: extract-flights, type: extract, source: { kind: s3, uri: "s3://b/k", format: parquet } }
              - { id: b, type: transform, sql: select 1, dependsOn: [extract-flights] }
              - { id: c, type: transform, sql: select 1, dependsOn: [b] }
              - { id: d, type: transform, sql: select 1, dependsOn: [extract-flight] }
            """,
            "stages[3].dependsOn[0] | unknown stage 'extract-flight'"),
        invalid(
            "rejectsValidateStageWithoutExactlyOneInput",
            """
            name: p
            team: t
            stages:
              - { id: a, type: extract, source: { kind: s3, uri: "s3://b/k", format: parquet } }
              - { id: b, type: extract, source: { kind: s3, uri: "s3://b/j", format: parquet } }
              - { id: v, type: validate, suite: s, dependsOn: [a, b] }
              - { id: w, type: validate, suite: s }
            """,
            "stages[2].dependsOn | a validate stage checks the output of exactly one stage; it"
                + " depends on 2",
            "stages[3].dependsOn | a validate stage checks the output of exactly one stage; it"
                + " depends on 0"),
        invalid(
            "rejectsCycleInStages",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1, dependsOn: [b] }
              - { id: b, type: transform, sql: select 1, dependsOn: [c] }
              - { id: c, type: transform, sql: select 1, dependsOn: [a] }
              - { id: d, type: transform, sql: select 1, dependsOn: [a] }
            """,
            "stages | dependency cycle a -> b -> c -> a"),
        invalid(
            "rejectsEveryCycleOnce",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1 }
              - { id: b, type: transform, sql: select 1, dependsOn: [a, c] }
              - { id: c, type: transform, sql: select 1, dependsOn: [b] }
              - { id: x, type: transform, sql: select 1, dependsOn: [y] }
              - { id: y, type: transform, sql: select 1, dependsOn: [x] }
            """,
            "stages | dependency cycle b -> c -> b",
            "stages | dependency cycle x -> y -> x"),
        invalid(
            "rejectsSelfDependency",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1, dependsOn: [a] }
            """,
            "stages[0].dependsOn[0] | stage 'a' depends on itself"),
        invalid(
            "rejectsDuplicateStageIds",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1 }
              - { id: b, type: transform, sql: select 1 }
              - { id: a, type: transform, sql: select 2 }
            """,
            "stages[2].id | duplicate stage id 'a', already used by stages[0]"),
        invalid(
            "rejectsDuplicateDependencies",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1 }
              - { id: b, type: transform, sql: select 1, dependsOn: [a, a] }
            """,
            "stages[1].dependsOn | lists 'a' more than once"),
        invalid(
            "rejectsInvalidCronField",
            """
            name: p
            team: t
            schedule: { cron: "61 2 * * *" }
            stages: [ { id: a, type: transform, sql: select 1 } ]
            """,
            "schedule.cron | invalid cron expression '61 2 * * *': minute field '61': value 61 not"
                + " in range [0, 59]"),
        invalid(
            "rejectsCronWithSixFields",
            """
            name: p
            team: t
            schedule: { cron: "0 0 2 * * ?" }
            stages: [ { id: a, type: transform, sql: select 1 } ]
            """,
            "schedule.cron | invalid cron expression '0 0 2 * * ?': expected 5 fields (minute hour"
                + " day-of-month month day-of-week), got 6"),
        invalid(
            "rejectsUnknownTimeZone",
            """
            name: p
            team: t
            schedule: { cron: "0 2 * * *", timezone: Europe/Berln }
            stages: [ { id: a, type: transform, sql: select 1 } ]
            """,
            "schedule.timezone | unknown time zone 'Europe/Berln'"),
        invalid(
            "rejectsUnknownCatchupAndNegativeMaxCatchup",
            """
            name: p
            team: t
            schedule: { cron: "0 2 * * *", catchup: sometimes, maxCatchup: -1 }
            stages: [ { id: a, type: transform, sql: select 1 } ]
            """,
            "schedule.catchup | unknown value 'sometimes'; expected one of skip, latest, all",
            "schedule.maxCatchup | must be at least 0, got -1"),
        invalid(
            "rejectsMemoryOutsideFargatePairs",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1, resources: { cpu: 256, memory: 4096 } }
              - { id: b, type: transform, sql: select 1, resources: { cpu: 1024, memory: 1024 } }
              - { id: c, type: transform, sql: select 1, resources: { cpu: 8192, memory: 20000 } }
              - { id: d, type: transform, sql: select 1, resources: { cpu: 4096, memory: 30720 } }
            """,
            "stages[0].resources.memory | memory 4096 is not valid with cpu 256; valid memory for"
                + " cpu 256: 512, 1024, 2048",
            "stages[1].resources.memory | memory 1024 is not valid with cpu 1024; valid memory for"
                + " cpu 1024: 2048 to 8192 in steps of 1024",
            "stages[2].resources.memory | memory 20000 is not valid with cpu 8192; valid memory for"
                + " cpu 8192: 16384 to 61440 in steps of 4096"),
        invalid(
            "rejectsCpuThatFargateDoesNotOffer",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1, resources: { cpu: 300, memory: 1024 } }
              - { id: b, type: transform, sql: select 1, resources: { cpu: 512 } }
            """,
            "stages[0].resources.cpu | unknown value '300'; expected one of 256, 512, 1024, 2048,"
                + " 4096, 8192, 16384",
            "stages[1].resources.memory | required field is missing"),
        invalid(
            "rejectsStageTypesWithoutTheirRequiredFields",
            """
            name: p
            team: t
            stages:
              - { id: e, type: extract }
              - { id: t, type: transform }
              - { id: v, type: validate, dependsOn: [t] }
              - { id: l, type: load }
              - { id: c, type: container }
            """,
            "stages[0].source | required when type is 'extract'",
            "stages[1].sql | required when type is 'transform'",
            "stages[2].suite | required when type is 'validate'",
            "stages[3].target | required when type is 'load'",
            "stages[4].image | required when type is 'container'"),
        invalid(
            "rejectsFieldsOfAnotherStageType",
            """
            name: p
            team: t
            stages:
              - id: t
                type: transform
                sql: select 1
                image: "repo/img:1"
                onFail: warn
                source: { kind: http, uri: 5 }
            """,
            "stages[0].image | not allowed when type is 'transform'",
            "stages[0].onFail | not allowed when type is 'transform'",
            "stages[0].source | not allowed when type is 'transform'"),
        invalid(
            "rejectsSourcesWithoutLocation",
            """
            name: p
            team: t
            stages:
              - { id: a, type: extract, source: { kind: s3, format: csv } }
              - { id: b, type: extract, source: { kind: postgres, uri: "s3://b/k" } }
              - { id: c, type: extract, source: { kind: http, uri: "s3://b/k", format: xml } }
              - { id: d, type: extract, source: { kind: ftp, uri: "ftp://h/k" } }
            """,
            "stages[0].source.uri | required when kind is 's3'",
            "stages[1].source.query | required when kind is 'postgres'",
            "stages[1].source.uri | not allowed when kind is 'postgres'",
            "stages[2].source.format | unknown value 'xml'; expected one of parquet, csv, json",
            "stages[2].source.uri | must start with http:// or https:// when kind is 'http', got"
                + " 's3://b/k'",
            "stages[3].source.kind | unknown value 'ftp'; expected one of s3, postgres, http"),
        invalid(
            "rejectsMergeWithoutKey",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1 }
              - { id: l, type: load, dependsOn: [a], target: { kind: postgres, table: x.y, mode: merge } }
            """,
            "stages[1].target.key | required when mode is 'merge'"),
        invalid(
            "rejectsKeyWithoutMergeAndMergeIntoS3",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1 }
              - id: l
                type: load
                target: { kind: postgres, table: x.y, mode: append, key: [id] }
              - id: m
                type: load
                target: { kind: s3, uri: "s3://lake/x/", format: parquet, mode: merge, key: [id] }
              - id: n
                type: load
                target: { kind: s3, uri: "s3://lake/x/", table: x }
            """,
            "stages[1].target.key | not allowed unless mode is 'merge'",
            "stages[2].target.mode | 'merge' is not allowed when kind is 's3'; expected one of"
                + " append, overwrite",
            "stages[3].target.format | required when kind is 's3'",
            "stages[3].target.table | not allowed when kind is 's3'"),
        invalid(
            "rejectsBadDurations",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: select 1, timeout: 30 }
              - { id: b, type: transform, sql: select 1, timeout: 1d }
              - { id: c, type: transform, sql: select 1, timeout: 0s }
              - { id: d, type: transform, sql: select 1, retry: { initialDelay: 10 s } }
            """,
            "stages[0].timeout | must be a string, got 30",
            "stages[1].timeout | invalid duration '1d'; expected a whole number and s, m or h, e.g."
                + " 10s, 30m, 2h",
            "stages[2].timeout | invalid duration '0s'; expected a whole number and s, m or h, e.g."
                + " 10s, 30m, 2h",
            "stages[3].retry.initialDelay | invalid duration '10 s'; expected a whole number and s,"
                + " m or h, e.g. 10s, 30m, 2h"),
        invalid(
            "rejectsBadRetryPolicies",
            """
            name: p
            team: t
            stages:
              - id: a
                type: transform
                sql: select 1
                retry: { maxAttempts: 0, backoff: linear, retryOn: [CAPACITY, OOM] }
              - { id: b, type: transform, sql: select 1, retry: { retryOn: [] } }
            """,
            "stages[0].retry.backoff | unknown value 'linear'; expected one of fixed, exponential",
            "stages[0].retry.maxAttempts | must be at least 1, got 0",
            "stages[0].retry.retryOn[1] | unknown value 'OOM'; expected one of CAPACITY, THROTTLED,"
                + " IMAGE_PULL, OUT_OF_MEMORY, SPOT_INTERRUPTED, TIMEOUT, USER_ERROR, PLATFORM,"
                + " HEARTBEAT_LOST",
            "stages[1].retry.retryOn | must not be empty"),
        invalid(
            "rejectsUnknownTemplateVariables",
            """
            name: p
            team: t
            parameters: { region: { default: us } }
            stages:
              - id: a
                type: extract
                source: { kind: s3, uri: "s3://raw/{{ params.region }}/{{ logical_dat }}.csv", format: csv }
              - id: b
                type: transform
                dependsOn: [a]
                sql: "select * from a where region = '{{ params.regoin }}' and day = '{{ run id }}'"
            """,
            "stages[0].source.uri | unknown variable 'logical_dat' in '{{ logical_dat }}'; known"
                + " variables: logical_date, logical_date_nodash, run_id, pipeline, team, stage_id,"
                + " params.<name>",
            "stages[1].sql | unknown parameter 'regoin' in '{{ params.regoin }}'; declared"
                + " parameters: region",
            "stages[1].sql | invalid template '{{ run id }}'; expected {{ variable }}"),
        invalid(
            "rejectsTemplatesInCommandEnvAndTable",
            """
            name: p
            team: t
            stages:
              - id: c
                type: container
                image: "repo/img:1"
                command: [run, "--day={{ logical_date_nodash }}", "--x={{ params.x }}"]
                env: { STAGE: "{{ stage_id }}", BAD: "{{ nope }}" }
              - id: l
                type: load
                dependsOn: [c]
                target: { kind: postgres, table: "{{ teamx }}.t" }
            """,
            "stages[0].command[2] | unknown parameter 'x' in '{{ params.x }}'; no parameters are"
                + " declared",
            "stages[0].env.BAD | unknown variable 'nope' in '{{ nope }}'; known variables:"
                + " logical_date, logical_date_nodash, run_id, pipeline, team, stage_id,"
                + " params.<name>",
            "stages[1].target.table | unknown variable 'teamx' in '{{ teamx }}'; known variables:"
                + " logical_date, logical_date_nodash, run_id, pipeline, team, stage_id,"
                + " params.<name>"),
        invalid(
            "rejectsUnterminatedTemplate",
            """
            name: p
            team: t
            stages:
              - { id: a, type: transform, sql: "select * from t where day = '{{ logical_date'" }
            """,
            "stages[0].sql | unterminated '{{' in '{{ logical_date''"),
        invalid(
            "rejectsBadImageAndEnvNames",
            """
            name: p
            team: t
            stages:
              - id: c
                type: container
                image: "repo/img:{{ params.tag }}"
                env: { 1ST: a, "MY VAR": b, OK: [1] }
            """,
            "stages[0].env.1ST | invalid name '1ST'; use letters, digits and '_', not starting with"
                + " a digit",
            "stages[0].env['MY VAR'] | invalid name 'MY VAR'; use letters, digits and '_', not"
                + " starting with a digit",
            "stages[0].env.OK | must be a string, number or boolean, got a list",
            "stages[0].image | invalid image 'repo/img:{{ params.tag }}'; an image reference has no"
                + " spaces and no {{ templates }}"),
        invalid(
            "rejectsUnknownColumnTypeAndConnectionOnAnS3Source",
            """
            name: p
            team: t
            stages:
              - id: a
                type: extract
                source:
                  kind: s3
                  uri: s3://raw/zipcodes.csv
                  format: csv
                  connection: warehouse
                  columns: { zip_code: "varchar; drop table x" }
            """,
            "stages[0].source.columns.zip_code | unknown column type 'varchar; drop table x' for"
                + " column 'zip_code'; use varchar, bigint, integer, double, boolean, date,"
                + " timestamp, decimal(p,s) or another DuckDB type name",
            "stages[0].source.connection | not allowed when kind is 's3'"),
        invalid(
            "rejectsTrailingJsonContent",
            """
            {"name": "p", "team": "t", "stages": [{"id": "a", "type": "transform", "sql": "x"}]}
            {"name": "q"}
            """,
            " | invalid JSON at line 2, column 1: unexpected content after the end of the"
                + " document"));
  }

  private static Arguments invalid(String behaviour, String spec, String... expected) {
    return Arguments.of(behaviour, spec, List.of(expected));
  }
}
