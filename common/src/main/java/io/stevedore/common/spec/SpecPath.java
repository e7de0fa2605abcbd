package io.stevedore.common.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds and orders problem paths in {@code a.b[3].c} notation; the document itself is {@code ""}.
 */
final class SpecPath {

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_$-]+");

  /** Orders paths segment by segment: names alphabetically, indices numerically, parents first. */
  static final Comparator<String> ORDER = SpecPath::compare;

  private SpecPath() {}

  static String field(String parent, String name) {
    if (!PLAIN_NAME.matcher(name).matches()) {
      return parent + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }
    return parent.isEmpty() ? name : parent + "." + name;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** A path from its elements: {@link String} names and {@link Integer} indices. */
  static String of(List<?> elements) {
    String path = "";
    for (Object element : elements) {
      path = element instanceof Integer i ? index(path, i) : field(path, String.valueOf(element));
    }
    return path;
  }

  /** The elements of a path built by this class. */
  static List<Object> elements(String path) {
    List<Object> elements = new ArrayList<>();
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[' && i + 1 < path.length() && path.charAt(i + 1) == '\'') {
        StringBuilder name = new StringBuilder();
        i += 2;
        while (i < path.length() && path.charAt(i) != '\'') {
          if (path.charAt(i) == '\\' && i + 1 < path.length()) {
            i++;
          }
          name.append(path.charAt(i++));
        }
        elements.add(name.toString());
        i += 2; // the closing ']
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        elements.add(Integer.parseInt(path.substring(i + 1, end)));
        i = end + 1;
      } else {
        int end = i;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        elements.add(path.substring(i, end));
        i = end;
      }
    }
    return elements;
  }

  /** Whether {@code path} is {@code ancestor} or lies beneath it. */
  static boolean isWithin(String path, String ancestor) {
    List<Object> p = elements(path);
    List<Object> a = elements(ancestor);
    return p.size() >= a.size() && p.subList(0, a.size()).equals(a);
  }

  private static int compare(String left, String right) {
    List<Object> a = elements(left);
    List<Object> b = elements(right);
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      int c;
      if (x instanceof Integer xi && y instanceof Integer yi) {
        c = Integer.compare(xi, yi);
      } else if (x instanceof String xs && y instanceof String ys) {
        c = xs.compareTo(ys);
      } else {
        c = x instanceof String ? -1 : 1;
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
