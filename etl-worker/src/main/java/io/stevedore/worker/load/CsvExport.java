package io.stevedore.worker.load;

import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A DuckDB query's rows as CSV for Postgres's {@code COPY}. Where {@code mkfifo} exists (Linux, the
 * worker's image), DuckDB writes into a named pipe on a thread of its own while {@code COPY} reads
 * the other end, so that the export and the load overlap; elsewhere DuckDB writes a temporary file
 * first. Either way the CSV never lives in the JVM's heap.
 *
 * <p>The pipe is opened read-write by this side before DuckDB starts (on Linux that never blocks),
 * so neither side waits for the other to open it; the end of the data is the end of DuckDB's
 * statement with the pipe drained, not an end of file, and a failure of DuckDB stops the reader
 * even if DuckDB keeps its end open.
 */
final class CsvExport implements AutoCloseable {

  /** Reads the CSV stream to its end; returns the rows it loaded. */
  interface Consumer {
    long accept(InputStream csv) throws SQLException, IOException;
  }

  private final Path dir;
  private final Path file;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private RandomAccessFile pipe;
  private Thread writer;
  private long bytes;

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
    try {
      if (!mkfifo(export.file)) {
        try (Statement s = duckdb.createStatement()) {
          s.execute(copy);
        }
        return export;
      }
      export.pipe = new RandomAccessFile(export.file.toFile(), "rw");
    } catch (SQLException | IOException | RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
    export.writer =
        new Thread(
            () -> {
              try (Statement s = duckdb.createStatement()) {
                s.execute(copy);
              } catch (Throwable e) {
                export.failure.set(e);
              }
            },
            "stevedore-load-export");
    export.writer.setDaemon(true);
    export.writer.start();
    return export;
  }

  /** Hands the CSV to {@code consumer}; fails if DuckDB failed to write all of it. */
  long feed(Consumer consumer) throws SQLException, IOException {
    long rows = 0;
    Exception consumerFailure = null;
    InputStream source =
        pipe == null ? new FileInputStream(file.toFile()) : new FileInputStream(pipe.getFD());
    try (InputStream in = new Counting(source)) {
      rows = consumer.accept(in);
    } catch (SQLException | IOException e) {
      consumerFailure = e;
    } finally {
      closePipe(); // a DuckDB still writing fails (no reader left) and ends
      awaitWriter();
    }
    Throwable e = failure.get();
    if (e != null) {
      throw new SQLException("DuckDB could not write the rows as CSV: " + e.getMessage(), e);
    }
    if (consumerFailure instanceof SQLException sql) {
      throw sql;
    }
    if (consumerFailure instanceof IOException io) {
      throw io;
    }
    return rows;
  }

  /** The bytes read so far. */
  long bytes() {
    return bytes;
  }

  @Override
  public void close() throws IOException {
    closePipe();
    awaitWriter();
    deleteRecursively(dir);
  }

  private void closePipe() throws IOException {
    if (pipe != null) {
      pipe.close();
    }
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

  /**
   * Counts the bytes read. From the pipe, it reads only what the pipe holds (so a read never
   * blocks), and the data ends when DuckDB's statement has ended and the pipe is drained.
   */
  private final class Counting extends FilterInputStream {

    Counting(InputStream in) {
      super(in);
    }

    /** The bytes readable now without blocking; 0 at the end of the data. */
    private int awaitData() throws IOException {
      while (true) {
        Throwable e = failure.get();
        if (e != null) {
          throw new IOException("DuckDB could not write the rows as CSV: " + e.getMessage(), e);
        }
        boolean ended = !writer.isAlive();
        int available = in.available();
        if (available > 0 || ended) {
          if (ended && failure.get() != null) {
            continue;
          }
          return available;
        }
        LockSupport.parkNanos(200_000);
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      int n;
      if (writer == null) {
        n = in.read(buffer, offset, length);
      } else {
        int available = awaitData();
        if (available == 0) {
          return -1;
        }
        n = in.read(buffer, offset, Math.min(length, available));
      }
      if (n > 0) {
        bytes += n;
      }
      return n;
    }
  }
}
