package io.stevedore.scheduler.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The differences between two JSON documents (two versions of a pipeline's canonical spec), as a
 * list of changes with their paths in the spec's notation ({@code stages[2].sql}).
 */
public final class JsonDiff {

  /** One change: {@code added}, {@code removed} or {@code changed}. */
  @RegisterForReflection
  public record Change(String path, String op, JsonNode from, JsonNode to) {}

  private JsonDiff() {}

  public static List<Change> diff(JsonNode from, JsonNode to) {
    List<Change> changes = new ArrayList<>();
    diff("", from, to, changes);
    return changes;
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<Change> out) {
    if (a == null || a.isMissingNode()) {
      out.add(new Change(path, "added", null, b));
    } else if (b == null || b.isMissingNode()) {
      out.add(new Change(path, "removed", a, null));
    } else if (a.isObject() && b.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      for (String name : names) {
        diff(path.isEmpty() ? name : path + "." + name, a.path(name), b.path(name), out);
      }
    } else if (a.isArray() && b.isArray()) {
      int n = Math.max(a.size(), b.size());
      for (int i = 0; i < n; i++) {
        diff(path + "[" + i + "]", a.path(i), b.path(i), out);
      }
    } else if (!a.equals(b)) {
      out.add(new Change(path, "changed", a, b));
    }
  }
}
