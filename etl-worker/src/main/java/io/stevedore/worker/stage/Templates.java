package io.stevedore.worker.stage;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the spec's template expressions {@code {{ name }}} in a source's uri and query and in a
 * transform's SQL, with the same syntax as the orchestrator: {@code logical_date}, {@code
 * logical_date_nodash}, {@code run_id}, {@code pipeline}, {@code team}, {@code stage_id} and {@code
 * params.<name>}. Unknown names are left as they are.
 */
public final class Templates {

  private static final Pattern EXPRESSION = Pattern.compile("\\{\\{\\s*([a-z_][a-z0-9_.-]*)\\s*}}");

  private Templates() {}

  /** The text with every known expression replaced. */
  public static String render(String text, Map<String, String> values) {
    if (text == null || !text.contains("{{")) {
      return text;
    }
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
