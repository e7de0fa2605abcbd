package io.stevedore.worker.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code etl-worker stream}: a long-running stage that reads an SQS queue or a Kinesis stream in
 * micro-batches, runs the stage's SQL over each batch and writes the rows to a Postgres table,
 * exactly once (see {@link StreamProcessor}). Stops with exit 0 on SIGTERM or SIGINT (the batch in
 * hand is committed if it is being written, or handed back if it is still being received), and on
 * {@code --max-batches} or {@code --stop-when-idle}; exit 1 when a batch fails; exit 2 for invalid
 * options or configuration.
 */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description =
        "Consume an SQS queue or a Kinesis stream in micro-batches with the stage's SQL and write"
            + " the rows to a Postgres table, exactly once.",
    footer = {
      "",
      "The stage spec may instead come from STEVEDORE_STAGE_SPEC (JSON: source {kind, uri, format,"
          + " columns}, sql, target {kind: postgres, table, mode, key}); options override it.",
      "Warehouse: STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_URL, _USER, _PASSWORD.",
      "Exit codes: 0 stopped (signal, --max-batches, --stop-when-idle), 1 a batch failed, 2"
          + " invalid options or configuration."
    })
public class StreamCommand implements Callable<Integer> {

  static final String WAREHOUSE = "stevedore.worker.connections.warehouse.";

  @Spec CommandSpec spec;

  @Inject SqsClient sqs;

  @Inject ObjectMapper mapper;

  @Inject StreamLag lag;

  @Option(names = "--source", description = "sqs://<queue-url-or-name> or kinesis://<stream-name>.")
  String source;

  @Option(names = "--sql", description = "SQL over the batch as table 'batch' (default: select *).")
  String sql;

  @Option(names = "--target-table", description = "The Postgres table, such as analytics.events.")
  String targetTable;

  @Option(names = "--mode", description = "append or merge (default: append).")
  String mode;

  @Option(names = "--key", split = ",", description = "merge: the key columns, such as id.")
  List<String> key;

  @Option(
      names = "--column",
      description = "An explicit column type for read_json, such as zip=VARCHAR (repeatable).")
  Map<String, String> columns;

  @Option(
      names = "--batch-max-records",
      defaultValue = "500",
      description = "The most records in a batch (default: ${DEFAULT-VALUE}).")
  int batchMaxRecords;

  @Option(
      names = "--batch-max-wait",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "The longest a batch waits to fill, such as 500ms or 2s (default: 2s).")
  Duration batchMaxWait;

  @Option(
      names = "--stream-id",
      description =
          "The checkpoint namespace (default: <STEVEDORE_PIPELINE>/<STEVEDORE_STAGE_ID>).")
  String streamId;

  @Option(
      names = "--max-batches",
      defaultValue = "0",
      description = "Stop after this many committed batches (default: 0, never).")
  long maxBatches;

  @Option(
      names = "--stop-when-idle",
      converter = DurationConverter.class,
      description = "Stop after this long without records, such as 30s (default: never).")
  Duration stopWhenIdle;

  @Option(
      names = "--visibility-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "sqs: how long a received batch stays invisible to others (default: 30s).")
  Duration visibilityTimeout;

  @Option(
      names = "--dead-letter-queue",
      description = "sqs: where records that are not JSON objects go (default: <queue>-dlq).")
  String deadLetterQueue;

  /** The stage as resolved from the spec and the options. */
  record Settings(
      String sourceKind,
      String sourceName,
      String sql,
      String table,
      WarehouseTable.Mode mode,
      List<String> key,
      Map<String, String> columns,
      String streamId) {}

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    Settings settings = resolve(cl, System.getenv());
    Config config = ConfigProvider.getConfig();
    String url =
        config
            .getOptionalValue(WAREHOUSE + "url", String.class)
            .orElseThrow(
                () ->
                    new ParameterException(
                        cl,
                        "stream mode needs the warehouse connection: set"
                            + " STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_URL (and _USER, _PASSWORD)"));
    AtomicBoolean stopping = new AtomicBoolean();
    StopSignals.install(stopping);
    Clock clock = Clock.systemUTC();
    var err = cl.getErr();
    try (Connection db = connect(url, config);
        StreamSource streamSource = openSource(settings, config, clock);
        BatchTransform transform = new BatchTransform(settings.sql(), settings.columns());
        Heartbeats heartbeats =
            Heartbeats.startIfConfigured(System.getenv(), sqs, mapper, clock, lag)) {
      WarehouseTable table = new WarehouseTable(settings.table(), settings.mode(), settings.key());
      StreamProcessor processor =
          new StreamProcessor(
              settings.streamId(),
              streamSource,
              transform,
              table,
              db,
              mapper,
              lag,
              cl.getOut(),
              clock);
      String why =
          processor.run(
              new StreamProcessor.Limits(batchMaxRecords, batchMaxWait, maxBatches, stopWhenIdle),
              stopping);
      err.printf("etl-worker stream %s: stopped (%s)%n", settings.streamId(), why);
      err.flush();
      return 0;
    } catch (StreamException | SQLException e) {
      err.printf("etl-worker stream %s: %s%n", settings.streamId(), e.getMessage());
      err.flush();
      return 1;
    } catch (SdkException e) {
      err.printf(
          "etl-worker stream %s: %s failed: %s%n",
          settings.streamId(), settings.sourceKind(), BatchTransform.firstLine(e.getMessage()));
      err.flush();
      return 1;
    }
  }

  private static Connection connect(String url, Config config) throws SQLException {
    String user = config.getOptionalValue(WAREHOUSE + "user", String.class).orElse(null);
    String password = config.getOptionalValue(WAREHOUSE + "password", String.class).orElse(null);
    try {
      Connection db = DriverManager.getConnection(url, user, password);
      db.setAutoCommit(false);
      return db;
    } catch (SQLException e) {
      // the URL may carry a password in its query: name only where it points
      throw new StreamException(
          "cannot connect to the warehouse at "
              + url.replaceAll("\\?.*$", "")
              + ": "
              + BatchTransform.firstLine(e.getMessage()),
          e);
    }
  }

  private StreamSource openSource(Settings s, Config config, Clock clock) {
    if ("sqs".equals(s.sourceKind())) {
      return new SqsStreamSource(
          sqs, s.sourceName(), deadLetterQueue, s.streamId(), visibilityTimeout, clock);
    }
    return new KinesisStreamSource(kinesisClient(config), s.sourceName(), s.streamId(), clock);
  }

  /**
   * A Kinesis client from {@code stevedore.stream.kinesis.*}: {@code endpoint-override}, {@code
   * region} (default {@code AWS_REGION}, else us-east-1), {@code access-key-id} and {@code
   * secret-access-key} (default: the SDK's default credentials chain), {@code cbor-enabled}
   * (default true; false for emulators such as moto that answer JSON only).
   */
  static KinesisClient kinesisClient(Config config) {
    String prefix = "stevedore.stream.kinesis.";
    if (!config.getOptionalValue(prefix + "cbor-enabled", Boolean.class).orElse(true)) {
      // The SDK reads this switch from the system property only; moto answers JSON, not CBOR.
      System.setProperty("aws.cborEnabled", "false");
    }
    var builder = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create());
    config
        .getOptionalValue(prefix + "endpoint-override", String.class)
        .filter(e -> !e.isBlank())
        .ifPresent(e -> builder.endpointOverride(URI.create(e)));
    String region =
        config
            .getOptionalValue(prefix + "region", String.class)
            .or(() -> Optional.ofNullable(System.getenv("AWS_REGION")))
            .orElse("us-east-1");
    builder.region(Region.of(region));
    Optional<String> keyId = config.getOptionalValue(prefix + "access-key-id", String.class);
    Optional<String> secret = config.getOptionalValue(prefix + "secret-access-key", String.class);
    if (keyId.isPresent() && secret.isPresent()) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId.get(), secret.get())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }

  /** Merges {@code STEVEDORE_STAGE_SPEC} (when set) and the options; options win. */
  Settings resolve(CommandLine cl, Map<String, String> env) {
    StreamStageSpec stage = null;
    String specJson = env.get("STEVEDORE_STAGE_SPEC");
    if (specJson != null && !specJson.isBlank()) {
      try {
        stage = mapper.readValue(specJson, StreamStageSpec.class);
      } catch (JsonProcessingException e) {
        throw new ParameterException(
            cl,
            "STEVEDORE_STAGE_SPEC is not a stream stage spec: "
                + BatchTransform.firstLine(e.getOriginalMessage()));
      }
    }
    StreamStageSpec.Source specSource = stage == null ? null : stage.source();
    StreamStageSpec.Target specTarget = stage == null ? null : stage.target();

    String uri = source != null ? source : specSource == null ? null : specSource.uri();
    if (uri == null || uri.isBlank()) {
      throw new ParameterException(
          cl, "stream mode needs a source: --source sqs://<queue> or kinesis://<stream>");
    }
    if (source == null
        && specSource.kind() != null
        && !uri.contains("://")
        && ("sqs".equals(specSource.kind()) || "kinesis".equals(specSource.kind()))) {
      uri = specSource.kind() + "://" + uri.strip(); // {kind: sqs, uri: orders}
    }
    Matcher m = Pattern.compile("^(sqs|kinesis)://(.+)$").matcher(uri.strip());
    if (!m.matches()) {
      throw new ParameterException(
          cl, "source '" + uri + "' is not sqs://<queue-url-or-name> or kinesis://<stream-name>");
    }
    String kind = m.group(1);
    if (source == null && specSource.kind() != null && !specSource.kind().equals(kind)) {
      throw new ParameterException(
          cl,
          "the spec's source kind '"
              + specSource.kind()
              + "' does not match its uri '"
              + uri
              + "'");
    }
    if (specSource != null
        && specSource.format() != null
        && !"json".equalsIgnoreCase(specSource.format())) {
      throw new ParameterException(
          cl,
          "stream records are JSON objects: source format '"
              + specSource.format()
              + "' is not supported");
    }
    if (specTarget != null
        && targetTable == null
        && specTarget.kind() != null
        && !"postgres".equals(specTarget.kind())) {
      throw new ParameterException(
          cl, "a stream writes to a postgres target, not '" + specTarget.kind() + "'");
    }
    String table =
        targetTable != null ? targetTable : specTarget == null ? null : specTarget.table();
    if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
      throw new ParameterException(
          cl,
          "stream mode needs --target-table schema.table (or target.table), was '" + table + "'");
    }
    String modeText = mode != null ? mode : specTarget == null ? null : specTarget.mode();
    WarehouseTable.Mode resolvedMode;
    try {
      resolvedMode =
          modeText == null
              ? WarehouseTable.Mode.APPEND
              : WarehouseTable.Mode.valueOf(modeText.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, "--mode '" + modeText + "' is not append or merge");
    }
    List<String> keys = key != null ? key : specTarget == null ? null : specTarget.key();
    keys =
        keys == null
            ? List.of()
            : keys.stream().map(String::strip).filter(k -> !k.isEmpty()).toList();
    if (resolvedMode == WarehouseTable.Mode.MERGE && keys.isEmpty()) {
      throw new ParameterException(cl, "--mode merge needs --key");
    }
    String query = sql != null ? sql : stage == null ? null : stage.sql();
    if (query == null || query.isBlank()) {
      query = "select * from batch";
    }
    Map<String, String> types = new LinkedHashMap<>();
    if (specSource != null && specSource.columns() != null) {
      types.putAll(specSource.columns());
    }
    if (columns != null) {
      types.putAll(columns);
    }
    String id = streamId;
    if (id == null) {
      String pipeline = env.get("STEVEDORE_PIPELINE");
      String stageId = env.get("STEVEDORE_STAGE_ID");
      if (stageId == null && stage != null) {
        stageId = stage.id();
      }
      if (pipeline == null || pipeline.isBlank() || stageId == null || stageId.isBlank()) {
        throw new ParameterException(
            cl, "stream mode needs --stream-id, or STEVEDORE_PIPELINE and STEVEDORE_STAGE_ID");
      }
      id = pipeline + "/" + stageId;
    }
    if (batchMaxRecords < 1) {
      throw new ParameterException(
          cl, "--batch-max-records must be at least 1, was " + batchMaxRecords);
    }
    if (maxBatches < 0) {
      throw new ParameterException(cl, "--max-batches must not be negative, was " + maxBatches);
    }
    if ("sqs".equals(kind)
        && (visibilityTimeout.toSeconds() < 1 || visibilityTimeout.toHours() >= 12)) {
      throw new ParameterException(
          cl, "--visibility-timeout must be between 1s and 12h, was " + visibilityTimeout);
    }
    return new Settings(kind, m.group(2), query, table, resolvedMode, keys, types, id);
  }

  /** Durations as {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT2S}). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
      Matcher m = SIMPLE.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      try {
        return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration such as 500ms, 2s, 5m or PT2S");
      }
    }
  }
}
