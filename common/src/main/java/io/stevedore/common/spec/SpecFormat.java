package io.stevedore.common.spec;

/** The text formats a pipeline spec may be written in; both follow the same schema. */
public enum SpecFormat {
  YAML,
  JSON;

  /**
   * Guesses the format from the first non-blank character: {@code {} or {@code [} mean JSON,
   * anything else YAML. (JSON is also valid YAML, but the JSON parser reports better errors.)
   */
  public static SpecFormat guess(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\uFEFF' || Character.isWhitespace(c)) {
        continue;
      }
      return c == '{' || c == '[' ? JSON : YAML;
    }
    return YAML;
  }
}
