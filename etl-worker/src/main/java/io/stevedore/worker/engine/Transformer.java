package io.stevedore.worker.engine;

import io.stevedore.worker.config.WorkerConfig;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.stage.StageFailedException;
import io.stevedore.worker.storage.S3Location;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * A transform: its inputs as DuckDB views (see {@link Inputs} for the naming rule), its SQL (DuckDB
 * dialect, templates rendered) run once into the stage's Parquet output.
 */
@ApplicationScoped
public class Transformer {

  private static final Logger LOG = Logger.getLogger(Transformer.class);

  private final WorkerConfig config;
  private final Inputs inputs;
  private final StageOutput output;

  Transformer(WorkerConfig config, Inputs inputs, StageOutput output) {
    this.config = config;
    this.inputs = inputs;
    this.output = output;
  }

  /**
   * Runs {@code sql} over the inputs.
   *
   * @param views view names to the URI each is read from
   */
  public StageWork transform(
      StageContext context,
      Map<String, List<String>> views,
      Map<String, String> uris,
      String sql,
      S3Location target) {
    String query = context.render(sql).strip();
    while (query.endsWith(";")) {
      query = query.substring(0, query.length() - 1).strip();
    }
    if (query.isEmpty()) {
      throw new InvalidStageException("the transform's SQL is empty");
    }
    long started = System.nanoTime();
    try (DuckDbSession session = DuckDbSession.open(config, context.stageId())) {
      LOG.debugf("DuckDB open after %d ms", (System.nanoTime() - started) / 1_000_000);
      long bytesIn = 0;
      long rowsIn = 0;
      Map<String, Inputs.Downloaded> downloaded = downloadAll(session, views, uris);
      for (Map.Entry<String, List<String>> input : views.entrySet()) {
        String uri = uris.get(input.getKey());
        bytesIn +=
            inputs.createViews(
                session, downloaded.get(input.getKey()), input.getKey(), input.getValue());
        rowsIn +=
            session.count(
                "cannot count the rows of input " + input.getKey() + " (" + uri + ")",
                "SELECT count(*) FROM " + Sql.identifier(input.getValue().get(0)));
      }
      LOG.debugf("inputs ready after %d ms", (System.nanoTime() - started) / 1_000_000);
      StageOutput.Written w = output.write(session, query, target, "the stage's SQL failed");
      LOG.debugf("output published after %d ms", (System.nanoTime() - started) / 1_000_000);
      return new StageWork(
          Map.of(StageWork.DATA, w.uri()), rowsIn, w.rows(), bytesIn, w.bytes(), w.schema());
    }
  }

  /** Downloads the inputs side by side (at most four at once); the first failure wins. */
  private Map<String, Inputs.Downloaded> downloadAll(
      DuckDbSession session, Map<String, List<String>> views, Map<String, String> uris) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(4, views.size())),
            r -> {
              Thread t = new Thread(r, "stevedore-download");
              t.setDaemon(true);
              return t;
            });
    try {
      Map<String, Future<Inputs.Downloaded>> futures = new LinkedHashMap<>();
      views.forEach(
          (name, names) ->
              futures.put(
                  name,
                  pool.submit(() -> inputs.download(session, uris.get(name), name, names.get(0)))));
      Map<String, Inputs.Downloaded> done = new LinkedHashMap<>();
      for (Map.Entry<String, Future<Inputs.Downloaded>> f : futures.entrySet()) {
        try {
          done.put(f.getKey(), f.getValue().get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new StageFailedException(
              "cannot download input " + f.getKey() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StageFailedException("interrupted while downloading the inputs", e);
        }
      }
      return done;
    } finally {
      pool.shutdownNow();
    }
  }
}
