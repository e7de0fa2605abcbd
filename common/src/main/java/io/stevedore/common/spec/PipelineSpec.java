package io.stevedore.common.spec;

import com.cronutils.model.Cron;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pipeline as its team describes it: named stages that form a directed acyclic graph through
 * {@link Stage#dependsOn()}, an optional schedule and declared run parameters.
 *
 * <p>Specs are written in YAML or JSON against one schema (published as {@code
 * /schema/pipeline-spec.schema.json}, JSON Schema draft 2020-12) and read with {@link
 * PipelineSpecParser}, which checks the structure and the rules the schema cannot express (stage
 * references, cycles, cron, time zone, Fargate sizes, template variables) before it builds these
 * records. A record obtained from the parser is therefore valid; records built in code are only
 * checked for missing mandatory values.
 *
 * <p>Defaults are applied when the records are built, so a consumer never sees an absent value
 * where a default exists, and the canonical JSON ({@link PipelineSpecParser#toJson}) spells the
 * defaults out: a stored version keeps its meaning even if a default changes later.
 *
 * <p>Names and ids (pipeline name, team, stage id) are 1 to 63 characters of {@code [a-z0-9-]}.
 *
 * <p>Text values of {@code source.uri}, {@code source.query}, {@code sql}, {@code target.uri},
 * {@code target.table}, {@code command} and {@code env} may contain template expressions {@code {{
 * name }}}, replaced when a stage is launched. Known names: {@code logical_date} (the run's logical
 * date, {@code yyyy-MM-dd}), {@code logical_date_nodash} ({@code yyyyMMdd}), {@code run_id}, {@code
 * pipeline}, {@code team}, {@code stage_id} and {@code params.<name>} for each declared parameter.
 *
 * @param name the pipeline's name, unique within its team
 * @param team the owning team
 * @param parameters declared run parameters by name; empty when none are declared
 * @param maxActiveRuns how many runs may be active at once; default 1
 * @param schedule when runs start by themselves; {@code null} when the pipeline only runs on
 *     submission
 * @param stages the stages in declaration order; at least one
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PipelineSpec(
    String name,
    String team,
    Map<String, Parameter> parameters,
    int maxActiveRuns,
    Schedule schedule,
    List<Stage> stages) {

  /** Runs active at once when {@code maxActiveRuns} is absent. */
  public static final int DEFAULT_MAX_ACTIVE_RUNS = 1;

  public PipelineSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(stages, "stages");
    parameters = immutableMap(parameters);
    stages = new Stages(List.copyOf(stages));
  }

  @JsonCreator
  static PipelineSpec fromJson(
      @JsonProperty("name") String name,
      @JsonProperty("team") String team,
      @JsonProperty("parameters") Map<String, Parameter> parameters,
      @JsonProperty("maxActiveRuns") Integer maxActiveRuns,
      @JsonProperty("schedule") Schedule schedule,
      @JsonProperty("stages") List<Stage> stages) {
    return new PipelineSpec(
        name,
        team,
        parameters,
        maxActiveRuns == null ? DEFAULT_MAX_ACTIVE_RUNS : maxActiveRuns,
        schedule,
        stages);
  }

  /** The stage with this id, if there is one. */
  public Optional<Stage> stage(String id) {
    return Optional.ofNullable(((Stages) stages).byId(id));
  }

  /**
   * The stages, unmodifiable, with an index by id: the orchestrator looks a stage up for every
   * attempt it claims and ends, and a scan of a 10,000-stage fan-out per lookup took half of its
   * CPU (JFR, dispatch benchmark). Equal to any list with the same stages.
   */
  private static final class Stages extends java.util.AbstractList<Stage>
      implements java.util.RandomAccess {
    private final List<Stage> stages;
    private volatile Map<String, Stage> byId;

    Stages(List<Stage> stages) {
      this.stages = stages;
    }

    Stage byId(String id) {
      Map<String, Stage> index = byId;
      if (index == null) {
        index = new java.util.HashMap<>();
        for (Stage s : stages) {
          index.putIfAbsent(s.id(), s); // the first of duplicate ids, as a scan would find
        }
        byId = index;
      }
      return index.get(id);
    }

    @Override
    public Stage get(int index) {
      return stages.get(index);
    }

    @Override
    public int size() {
      return stages.size();
    }
  }

  /**
   * A declared run parameter.
   *
   * @param defaultValue the value used when a run does not set the parameter ({@code default} in
   *     the spec; numbers and booleans are kept as text); {@code null} makes the parameter required
   *     at submission
   * @param description what the parameter means; may be {@code null}
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Parameter(@JsonProperty("default") String defaultValue, String description) {}

  /**
   * When runs start by themselves.
   *
   * <p>The cron is a standard 5-field Unix expression (minute, hour, day of month, month, day of
   * week) evaluated in {@link #timezone()}; each firing time is a run's logical date. Missed firing
   * times (the scheduler was down or the pipeline paused) follow {@link #catchup()}; {@link
   * #maxCatchup()} bounds how many of the most recent missed firings are considered at all.
   *
   * @param cron 5-field Unix cron expression, e.g. {@code 0 2 * * *}
   * @param timezone IANA time zone id; default {@code UTC}
   * @param catchup what happens to missed firings; default {@link CatchupPolicy#LATEST}
   * @param maxCatchup at most this many of the most recent missed firings are considered; {@code
   *     null} means no limit, 0 means none
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Schedule(String cron, String timezone, CatchupPolicy catchup, Integer maxCatchup) {

    /** Time zone when none is given. */
    public static final String DEFAULT_TIMEZONE = "UTC";

    public Schedule {
      Objects.requireNonNull(cron, "cron");
      timezone = timezone == null ? DEFAULT_TIMEZONE : timezone;
      catchup = catchup == null ? CatchupPolicy.LATEST : catchup;
    }

    /** The time zone as a {@link ZoneId}. */
    public ZoneId zone() {
      return ZoneId.of(timezone);
    }

    /** The cron parsed with the same (Unix) definition the parser validated it against. */
    public Cron parsedCron() {
      return SemanticChecks.CRON_PARSER.parse(cron);
    }
  }

  /**
   * One step of the pipeline, run as one container per attempt.
   *
   * <p>Which fields a stage takes depends on its {@link StageType type}:
   *
   * <ul>
   *   <li>{@code extract}: {@link #source()} (required)
   *   <li>{@code transform}: {@link #sql()} (required), DuckDB SQL over the upstream outputs
   *   <li>{@code validate}: {@link #suite()} (required), {@link #onFail()} (default stop)
   *   <li>{@code load}: {@link #target()} (required)
   *   <li>{@code container}: {@link #image()} (required), {@link #command()}, {@link #env()}
   * </ul>
   *
   * Fields of another type are rejected; those not used by this stage's type are {@code null} (or
   * empty for lists and maps). The built-in worker image runs the first four types; a container
   * stage runs the team's own image.
   *
   * @param id the stage's id, unique in the pipeline
   * @param type what the stage does
   * @param dependsOn ids of the stages that must succeed before this one starts; empty for a root
   * @param resources Fargate CPU and memory of each attempt; default {@link Resources#DEFAULT}
   * @param retry how failed attempts are retried; default {@link RetryPolicy#DEFAULT} (no retry)
   * @param timeout longest duration of one attempt; {@code null} for no limit
   * @param source what an extract stage reads
   * @param sql the query of a transform stage
   * @param suite the data contract (suite name) a validate stage checks
   * @param onFail what a failed validation does; {@link OnFail#STOP} by default for validate
   *     stages, {@code null} for the others
   * @param target where a load stage writes
   * @param image the image of a container stage
   * @param command the command of a container stage; empty to use the image's own
   * @param env environment variables of a container stage; empty when none
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Stage(
      String id,
      StageType type,
      List<String> dependsOn,
      Resources resources,
      RetryPolicy retry,
      @JsonSerialize(using = SpecDuration.Serializer.class)
          @JsonDeserialize(using = SpecDuration.Deserializer.class)
          Duration timeout,
      Source source,
      String sql,
      String suite,
      OnFail onFail,
      Target target,
      String image,
      List<String> command,
      Map<String, String> env) {

    public Stage {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(type, "type");
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
      resources = resources == null ? Resources.DEFAULT : resources;
      retry = retry == null ? RetryPolicy.DEFAULT : retry;
      onFail = onFail == null && type == StageType.VALIDATE ? OnFail.STOP : onFail;
      command = command == null ? List.of() : List.copyOf(command);
      env = immutableMap(env);
    }
  }

  /** What a stage does. */
  @RegisterForReflection
  public enum StageType {
    /** Reads a {@link Source} into the stage's output. */
    @JsonProperty("extract")
    EXTRACT,
    /** Runs SQL over the outputs of the stages it depends on. */
    @JsonProperty("transform")
    TRANSFORM,
    /** Checks its input against a data contract (suite). */
    @JsonProperty("validate")
    VALIDATE,
    /** Writes its input to a {@link Target}. */
    @JsonProperty("load")
    LOAD,
    /** Runs a team's own image. */
    @JsonProperty("container")
    CONTAINER
  }

  /**
   * Fargate size of one attempt. Only the pairs Fargate accepts are valid: see {@link
   * #validMemory(int)}.
   *
   * @param cpu CPU units (1024 = 1 vCPU)
   * @param memory memory in MiB
   */
  @RegisterForReflection
  public record Resources(int cpu, int memory) {

    /** The size of a stage that names none: 0.25 vCPU, 512 MiB. */
    public static final Resources DEFAULT = new Resources(256, 512);

    /** The CPU values Fargate offers, smallest first. */
    public static final List<Integer> CPU_VALUES = List.of(256, 512, 1024, 2048, 4096, 8192, 16384);

    /**
     * The memory values (MiB) Fargate accepts with this CPU, smallest first; empty for a CPU value
     * Fargate does not offer.
     */
    public static List<Integer> validMemory(int cpu) {
      return switch (cpu) {
        case 256 -> List.of(512, 1024, 2048);
        case 512 -> range(1024, 4096, 1024);
        case 1024 -> range(2048, 8192, 1024);
        case 2048 -> range(4096, 16384, 1024);
        case 4096 -> range(8192, 30720, 1024);
        case 8192 -> range(16384, 61440, 4096);
        case 16384 -> range(32768, 122880, 8192);
        default -> List.of();
      };
    }

    /** Whether Fargate accepts this pair. */
    @JsonIgnore
    public boolean isValidFargateSize() {
      return validMemory(cpu).contains(memory);
    }

    private static List<Integer> range(int from, int to, int step) {
      List<Integer> values = new ArrayList<>();
      for (int v = from; v <= to; v += step) {
        values.add(v);
      }
      return List.copyOf(values);
    }
  }

  /**
   * How the failed attempts of a stage are retried. An attempt that failed with a class in {@link
   * #retryOn()} gets a new attempt while fewer than {@link #maxAttempts()} were made.
   *
   * @param maxAttempts attempts in total, the first included; 1 means no retry
   * @param backoff how the delay grows
   * @param initialDelay delay before the second attempt
   * @param retryOn the failure classes that are retried
   */
  @RegisterForReflection
  public record RetryPolicy(
      int maxAttempts,
      Backoff backoff,
      @JsonSerialize(using = SpecDuration.Serializer.class)
          @JsonDeserialize(using = SpecDuration.Deserializer.class)
          Duration initialDelay,
      List<FailureClass> retryOn) {

    /** Backoff when none is given. */
    public static final Backoff DEFAULT_BACKOFF = Backoff.EXPONENTIAL;

    /** Initial delay when none is given. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(30);

    /**
     * Failure classes retried when {@code retryOn} is absent: the transient ones that say nothing
     * about the stage's own code or image.
     */
    public static final List<FailureClass> DEFAULT_RETRY_ON =
        List.of(
            FailureClass.CAPACITY,
            FailureClass.THROTTLED,
            FailureClass.SPOT_INTERRUPTED,
            FailureClass.PLATFORM,
            FailureClass.HEARTBEAT_LOST);

    /** The policy of a stage that names none: one attempt, no retry. */
    public static final RetryPolicy DEFAULT =
        new RetryPolicy(1, DEFAULT_BACKOFF, DEFAULT_INITIAL_DELAY, DEFAULT_RETRY_ON);

    public RetryPolicy {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
      backoff = backoff == null ? DEFAULT_BACKOFF : backoff;
      initialDelay = initialDelay == null ? DEFAULT_INITIAL_DELAY : initialDelay;
      retryOn = retryOn == null ? DEFAULT_RETRY_ON : List.copyOf(retryOn);
    }

    @JsonCreator
    static RetryPolicy fromJson(
        @JsonProperty("maxAttempts") Integer maxAttempts,
        @JsonProperty("backoff") Backoff backoff,
        @JsonProperty("initialDelay") @JsonDeserialize(using = SpecDuration.Deserializer.class)
            Duration initialDelay,
        @JsonProperty("retryOn") List<FailureClass> retryOn) {
      return new RetryPolicy(maxAttempts == null ? 1 : maxAttempts, backoff, initialDelay, retryOn);
    }

    /** Whether a failure of this class is retried (attempts left permitting). */
    public boolean retries(FailureClass failureClass) {
      return retryOn.contains(failureClass);
    }

    /**
     * The delay before attempt {@code failedAttempt + 1}: {@link #initialDelay()} for fixed
     * backoff, {@code initialDelay * 2^(failedAttempt - 1)} for exponential backoff (capped at one
     * day).
     *
     * @param failedAttempt the number of the attempt that failed, from 1
     */
    public Duration delayAfter(int failedAttempt) {
      if (failedAttempt < 1) {
        throw new IllegalArgumentException("attempt numbers start at 1, got " + failedAttempt);
      }
      if (backoff == Backoff.FIXED) {
        return initialDelay;
      }
      Duration cap = Duration.ofDays(1);
      Duration delay = initialDelay;
      for (int i = 1; i < failedAttempt && delay.compareTo(cap) < 0; i++) {
        delay = delay.multipliedBy(2);
      }
      return delay.compareTo(cap) < 0 ? delay : cap;
    }
  }

  /** How the delay between attempts grows. */
  @RegisterForReflection
  public enum Backoff {
    /** Always the initial delay. */
    @JsonProperty("fixed")
    FIXED,
    /** The initial delay, doubled after each further failure. */
    @JsonProperty("exponential")
    EXPONENTIAL
  }

  /** Why an attempt failed; drives retries. */
  @RegisterForReflection
  public enum FailureClass {
    /** No capacity to place the task (ECS {@code RESOURCE:*}, Spot unavailable). */
    CAPACITY,
    /** An AWS API throttled the launch. */
    THROTTLED,
    /** The image could not be pulled. */
    IMAGE_PULL,
    /** The container ran out of memory (exit 137, OutOfMemoryError). */
    OUT_OF_MEMORY,
    /** The Spot task was reclaimed. */
    SPOT_INTERRUPTED,
    /** The attempt exceeded the stage's timeout. */
    TIMEOUT,
    /** The stage's code failed (non-zero exit). */
    USER_ERROR,
    /** Stevedore or AWS failed otherwise. */
    PLATFORM,
    /** The worker stopped sending heartbeats while its task still ran (hung or cut off). */
    HEARTBEAT_LOST
  }

  /** What happens to missed schedule firings. */
  @RegisterForReflection
  public enum CatchupPolicy {
    /** Missed firings are not run. */
    @JsonProperty("skip")
    SKIP,
    /** Only the most recent missed firing is run. */
    @JsonProperty("latest")
    LATEST,
    /** Every missed firing is run, oldest first, within {@code maxActiveRuns} at a time. */
    @JsonProperty("all")
    ALL
  }

  /** What a failed validation does to the run. */
  @RegisterForReflection
  public enum OnFail {
    /** The stage fails and the run stops. */
    @JsonProperty("stop")
    STOP,
    /** The failure is reported and the run goes on. */
    @JsonProperty("warn")
    WARN,
    /** Failing rows are set aside in quarantine and the run goes on with the rest. */
    @JsonProperty("quarantine")
    QUARANTINE
  }

  /**
   * What an extract stage reads. {@code s3} and {@code http} read a file at {@link #uri()} ({@code
   * s3://} or {@code http(s)://}) in a {@link #format()}; {@code postgres} runs {@link #query()} on
   * the worker's database connection named {@link #connection()}.
   *
   * @param kind where the data is
   * @param uri the file's location for {@code s3} and {@code http}; otherwise {@code null}
   * @param query the SQL query for {@code postgres}; otherwise {@code null}. Named parameters such
   *     as {@code :logical_date} or {@code :params.region} become bind parameters
   * @param format the file format for {@code s3} and {@code http}; otherwise {@code null}
   * @param columns explicit SQL types of some columns (column name to a type such as {@code
   *     varchar}, {@code bigint}, {@code double}, {@code date}, {@code timestamp}, {@code boolean}
   *     or {@code decimal(p,s)}), which override the inferred ones; empty when none
   * @param connection for {@code postgres}: the name of the worker's connection (its {@code
   *     stevedore.worker.connections.<name>.*} settings); {@code null} means {@code warehouse}
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Source(
      SourceKind kind,
      String uri,
      String query,
      DataFormat format,
      Map<String, String> columns,
      String connection) {
    public Source {
      Objects.requireNonNull(kind, "kind");
      columns = immutableMap(columns);
    }
  }

  /** Where an extract stage reads from. */
  @RegisterForReflection
  public enum SourceKind {
    /** A file in S3. */
    @JsonProperty("s3")
    S3,
    /** A query on a Postgres database. */
    @JsonProperty("postgres")
    POSTGRES,
    /** A file served over HTTP(S). */
    @JsonProperty("http")
    HTTP
  }

  /** File formats. */
  @RegisterForReflection
  public enum DataFormat {
    /** Apache Parquet. */
    @JsonProperty("parquet")
    PARQUET,
    /** Comma-separated values with a header line. */
    @JsonProperty("csv")
    CSV,
    /** Newline-delimited JSON. */
    @JsonProperty("json")
    JSON
  }

  /**
   * Where a load stage writes. {@code s3} writes files under the prefix {@link #uri()} in a {@link
   * #format()}, optionally partitioned; {@code postgres} writes {@link #table()} ({@code table} or
   * {@code schema.table}); {@code jdbc} writes {@link #table()} of any database whose JDBC driver
   * the worker has, through the worker's connection named {@link #connection()}. {@link
   * LoadMode#MERGE} needs a {@link #key()} and is not available for {@code s3}.
   *
   * @param kind where the data goes
   * @param uri the {@code s3://} prefix for {@code s3}; otherwise {@code null}
   * @param table the table for {@code postgres} and {@code jdbc}; otherwise {@code null}
   * @param format the file format for {@code s3}; otherwise {@code null}
   * @param mode how existing data is treated; default {@link LoadMode#APPEND}
   * @param key the columns rows are matched on for {@link LoadMode#MERGE}; otherwise empty
   * @param partitionBy the partition columns for {@code s3}; empty for none
   * @param connection for {@code postgres} and {@code jdbc}: the name of the worker's connection
   *     ({@code stevedore.worker.connections.<name>.*}); {@code null} means {@code warehouse}
   * @param createTable for {@code postgres} and {@code jdbc}: create the table from the input's
   *     schema when it does not exist; default false
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Target(
      TargetKind kind,
      String uri,
      String table,
      DataFormat format,
      LoadMode mode,
      List<String> key,
      List<String> partitionBy,
      String connection,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean createTable) {
    public Target {
      Objects.requireNonNull(kind, "kind");
      mode = mode == null ? LoadMode.APPEND : mode;
      key = key == null ? List.of() : List.copyOf(key);
      partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
    }
  }

  /** Where a load stage writes to. */
  @RegisterForReflection
  public enum TargetKind {
    /** Files under an S3 prefix. */
    @JsonProperty("s3")
    S3,
    /** A Postgres table. */
    @JsonProperty("postgres")
    POSTGRES,
    /** A table of any database with a JDBC driver in the worker, by connection name. */
    @JsonProperty("jdbc")
    JDBC
  }

  /** How a load treats data already in the target. */
  @RegisterForReflection
  public enum LoadMode {
    /** Adds the rows. */
    @JsonProperty("append")
    APPEND,
    /** Replaces the target's contents. */
    @JsonProperty("overwrite")
    OVERWRITE,
    /** Updates rows whose key matches and inserts the others (upsert). */
    @JsonProperty("merge")
    MERGE
  }

  private static <V> Map<String, V> immutableMap(Map<String, V> map) {
    return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
