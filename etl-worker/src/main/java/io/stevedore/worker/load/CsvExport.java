package io.stevedore.worker.load;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A DuckDB query's rows as CSV for Postgres's {@code COPY}. Where {@code mkfifo} exists (Linux, the
 * worker's image), DuckDB writes into a named pipe on a thread of its own while {@code COPY} reads
 * the other end, so that the export and the load overlap; elsewhere DuckDB writes a temporary file
 * first. Either way the CSV never lives in the JVM's heap.
 */
final class CsvExport implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CsvExport.class);

  /** Reads the CSV stream to its end; returns the rows it loaded. */
  interface Consumer {
    long accept(InputStream csv) throws SQLException, IOException;
  }

  private final Path dir;
  private final Path file;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Thread writer;
  private long bytes;
  private boolean read;

  private CsvExport(Path dir, Path file) {
    this.dir = dir;
    this.file = file;
  }

  /** Starts writing {@code select}'s rows (a DuckDB query) as headerless CSV. */
  static CsvExport start(Connection duckdb, String select) throws IOException, SQLException {
    Path dir = Files.createTempDirectory("stevedore-load-");
    CsvExport export = new CsvExport(dir, dir.resolve("rows.csv"));
    String copy =
        "COPY ("
            + select
            + ") TO '"
            + export.file.toString().replace("'", "''")
            + "' (FORMAT csv, HEADER false)";
    if (!mkfifo(export.file)) {
      try (Statement s = duckdb.createStatement()) {
        s.execute(copy);
      } catch (SQLException | RuntimeException e) {
        deleteRecursively(dir);
        throw e;
      }
      return export;
    }
    export.writer =
        new Thread(
            () -> {
              try (Statement s = duckdb.createStatement()) {
                s.execute(copy);
              } catch (Throwable e) {
                export.failure.set(e);
                export.releaseReader();
              }
            },
            "stevedore-load-export");
    export.writer.setDaemon(true);
    export.writer.start();
    return export;
  }

  /** Hands the CSV to {@code consumer}; fails if DuckDB failed to write all of it. */
  long feed(Consumer consumer) throws SQLException, IOException {
    read = true;
    long rows;
    try (InputStream in = new Counting(new FileInputStream(file.toFile()))) {
      rows = consumer.accept(in);
    } finally {
      awaitWriter();
    }
    Throwable e = failure.get();
    if (e != null) {
      throw new SQLException("DuckDB could not write the rows as CSV: " + e.getMessage(), e);
    }
    return rows;
  }

  /** The bytes read so far. */
  long bytes() {
    return bytes;
  }

  @Override
  public void close() throws IOException {
    if (writer != null && writer.isAlive() && !read) {
      // nobody read the pipe: open and close it, so that DuckDB's write fails and its thread ends
      try (InputStream ignored = new FileInputStream(file.toFile())) {
        // closing the read end is the point
      }
    }
    awaitWriter();
    deleteRecursively(dir);
  }

  private void awaitWriter() {
    if (writer == null) {
      return;
    }
    try {
      writer.join(TimeUnit.MINUTES.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** DuckDB failed before opening the pipe: open it for writing so that the reader sees its end. */
  private void releaseReader() {
    try (FileOutputStream ignored = new FileOutputStream(file.toFile())) {
      // closing the write end is the point
    } catch (IOException e) {
      LOG.debugf("could not release the CSV pipe's reader: %s", e.getMessage());
    }
  }

  private static boolean mkfifo(Path file) {
    try {
      Process p = new ProcessBuilder("mkfifo", "-m", "600", file.toString()).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private final class Counting extends FilterInputStream {
    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        bytes++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        bytes += n;
      }
      return n;
    }
  }
}
