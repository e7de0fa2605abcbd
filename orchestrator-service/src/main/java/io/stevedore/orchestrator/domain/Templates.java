package io.stevedore.orchestrator.domain;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the spec's template expressions {@code {{ name }}} in a stage's command and environment
 * at launch. Unknown names are left as they are (the parser already refused them in specs).
 */
public final class Templates {

  private static final Pattern EXPRESSION = Pattern.compile("\\{\\{\\s*([a-z_][a-z0-9_.-]*)\\s*}}");

  private Templates() {}

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
