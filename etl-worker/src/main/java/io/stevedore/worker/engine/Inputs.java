package io.stevedore.worker.engine;

import io.stevedore.worker.stage.StageContext;
import io.stevedore.worker.storage.S3Location;
import io.stevedore.worker.storage.S3Storage;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transform's or load's inputs: the outputs of the stages it depends on, downloaded and
 * registered as DuckDB views.
 *
 * <p><b>Naming rule.</b> The input of stage {@code extract-flights} is the view {@code
 * extract_flights} (the id with {@code -} as {@code _}) and also {@code flights}, the id's last
 * {@code -}-separated word, when no other input has the same last word or that full name. So {@code
 * extract-flights} and {@code extract-airports} are {@code flights} and {@code airports}; {@code
 * check-flights} (a validate stage) is {@code flights} too.
 */
@ApplicationScoped
public class Inputs {

  private final S3Storage storage;
  private final StageLocations locations;

  Inputs(S3Storage storage, StageLocations locations) {
    this.storage = storage;
    this.locations = locations;
  }

  /** The URI of a dependency's {@code data} output: reported, else its default prefix. */
  public String uriOf(StageContext context, String stageId) {
    String reported = context.inputs().get(stageId + "." + StageWork.DATA);
    return reported != null
        ? reported
        : locations.defaultOutput(context.runId(), stageId).toString();
  }

  /** The view names of each input stage id, by the naming rule. */
  public static Map<String, List<String>> viewNames(List<String> stageIds) {
    Map<String, Integer> shortCounts = new HashMap<>();
    List<String> fullNames = stageIds.stream().map(Inputs::fullName).toList();
    for (String id : stageIds) {
      shortCounts.merge(shortName(id), 1, Integer::sum);
    }
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (String id : stageIds) {
      List<String> views = new ArrayList<>();
      views.add(fullName(id));
      String shortName = shortName(id);
      if (!shortName.equals(fullName(id))
          && shortCounts.get(shortName) == 1
          && !fullNames.contains(shortName)) {
        views.add(shortName);
      }
      names.put(id, views);
    }
    return names;
  }

  private static String fullName(String stageId) {
    return stageId.replace('-', '_');
  }

  private static String shortName(String stageId) {
    return stageId.substring(stageId.lastIndexOf('-') + 1);
  }

  /** A downloaded input: where it came from and its local files. */
  public record Downloaded(String uri, List<S3Storage.Downloaded> files) {
    long bytes() {
      return files.stream().mapToLong(S3Storage.Downloaded::bytes).sum();
    }
  }

  /**
   * Downloads an input (Parquet, an object or a prefix) into the session's directory {@code
   * in/<dir>}.
   */
  public Downloaded download(DuckDbSession session, String uri, String label, String dir) {
    S3Location location = S3Location.parse(uri, "input " + label);
    return new Downloaded(uri, storage.download(location, session.path("in").resolve(dir)));
  }

  /** Creates each of {@code views} over a downloaded input; returns its bytes. */
  public long createViews(
      DuckDbSession session, Downloaded input, String label, List<String> views) {
    List<Path> paths = new ArrayList<>();
    for (S3Storage.Downloaded f : input.files()) {
      session.nameFile(f.file(), f.source().toString());
      paths.add(f.file());
    }
    String relation = FileFormat.PARQUET.relation(paths, Map.of());
    for (String view : views) {
      session.execute(
          "cannot read input " + label + " (" + input.uri() + ")",
          "CREATE VIEW " + Sql.identifier(view) + " AS SELECT * FROM " + relation);
    }
    return input.bytes();
  }

  /** Downloads an input and creates each of {@code views} over it; returns the bytes read. */
  public long register(DuckDbSession session, String uri, String label, List<String> views) {
    return createViews(session, download(session, uri, label, views.get(0)), label, views);
  }
}
