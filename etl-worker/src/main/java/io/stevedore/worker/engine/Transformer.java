package io.stevedore.worker.engine;

import io.stevedore.worker.config.WorkerConfig;
import io.stevedore.worker.stage.InvalidStageException;
import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.storage.S3Location;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * A transform: its inputs as DuckDB views (see {@link Inputs} for the naming rule), its SQL (DuckDB
 * dialect, templates rendered) run once into the stage's Parquet output.
 */
@ApplicationScoped
public class Transformer {

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
    try (DuckDbSession session = DuckDbSession.open(config, context.stageId())) {
      long bytesIn = 0;
      long rowsIn = 0;
      for (Map.Entry<String, List<String>> input : views.entrySet()) {
        String uri = uris.get(input.getKey());
        bytesIn += inputs.register(session, uri, input.getKey(), input.getValue());
        rowsIn +=
            session.count(
                "cannot count the rows of input " + input.getKey() + " (" + uri + ")",
                "SELECT count(*) FROM " + Sql.identifier(input.getValue().get(0)));
      }
      StageOutput.Written w = output.write(session, query, target, "the stage's SQL failed");
      return new StageWork(
          Map.of(StageWork.DATA, w.uri()), rowsIn, w.rows(), bytesIn, w.bytes(), w.schema());
    }
  }
}
