package io.stevedore.worker.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A query's named parameters ({@code :logical_date}, {@code :params.region}) turned into JDBC
 * {@code ?} placeholders, so values are bound, never spliced into the SQL. String literals, quoted
 * identifiers, comments and {@code ::} casts are left alone.
 *
 * @param sql the query with {@code ?} in place of each parameter
 * @param names the parameters' names, in the order of the placeholders
 */
public record NamedParameters(String sql, List<String> names) {

  /** Parses {@code query}. */
  public static NamedParameters parse(String query) {
    StringBuilder sql = new StringBuilder(query.length());
    List<String> names = new ArrayList<>();
    int i = 0;
    int n = query.length();
    while (i < n) {
      char c = query.charAt(i);
      if (c == '\'' || c == '"') {
        int end = query.indexOf(c, i + 1);
        while (end > 0 && end + 1 < n && query.charAt(end + 1) == c) {
          end = query.indexOf(c, end + 2);
        }
        end = end < 0 ? n : end + 1;
        sql.append(query, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && query.charAt(i + 1) == '-') {
        int end = query.indexOf('\n', i);
        end = end < 0 ? n : end;
        sql.append(query, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && query.charAt(i + 1) == '*') {
        int end = query.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        sql.append(query, i, end);
        i = end;
      } else if (c == ':' && i + 1 < n && query.charAt(i + 1) == ':') {
        sql.append("::");
        i += 2;
      } else if (c == ':' && i + 1 < n && isStart(query.charAt(i + 1))) {
        int end = i + 1;
        while (end < n && (isPart(query.charAt(end)) || isDottedPart(query, end))) {
          end++;
        }
        names.add(query.substring(i + 1, end));
        sql.append('?');
        i = end;
      } else {
        sql.append(c);
        i++;
      }
    }
    return new NamedParameters(sql.toString(), List.copyOf(names));
  }

  private static boolean isStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /** A dot inside a name ({@code params.region}), not one that ends it. */
  private static boolean isDottedPart(String s, int i) {
    return s.charAt(i) == '.' && i + 1 < s.length() && isStart(s.charAt(i + 1));
  }
}
