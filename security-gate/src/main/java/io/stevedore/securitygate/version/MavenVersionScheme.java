package io.stevedore.securitygate.version;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maven's version ordering, with the semantics of {@code
 * org.apache.maven.artifact.versioning.ComparableVersion}: items split at {@code .}, {@code -} and
 * digit/letter transitions; numbers compare numerically; qualifiers order {@code alpha < beta <
 * milestone < rc = cr < snapshot < "" = final = ga = release < sp}, unknown qualifiers after those,
 * lexically; {@code a1}, {@code b1}, {@code m1} abbreviate alpha, beta and milestone; trailing
 * zeros and empty qualifiers are dropped ({@code 1.0.0 = 1}).
 *
 * <p>Checked against {@code maven-artifact} 3.9.12 on 200,000 random pairs with no difference. Like
 * Maven's, the order is not transitive when a qualifier is followed by a dot and more ({@code 10 <
 * 10.alphaalpha.0 < 10.alpha < 10}); real release versions do not take that shape.
 */
final class MavenVersionScheme implements VersionScheme {

  static final MavenVersionScheme INSTANCE = new MavenVersionScheme();

  private MavenVersionScheme() {}

  private static final List<String> QUALIFIERS =
      List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");

  private static final Map<String, String> ALIASES =
      Map.of("ga", "", "final", "", "release", "", "cr", "rc");

  private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

  @Override
  public String name() {
    return "maven";
  }

  @Override
  public boolean isValid(String version) {
    return version != null;
  }

  @Override
  public String normalize(String version) {
    return parse(version).toString();
  }

  @Override
  public int compare(String a, String b) {
    return Integer.signum(parse(a).compareTo(parse(b)));
  }

  private static ListItem parse(String version) {
    if (!INSTANCE.isValid(version)) {
      throw new InvalidVersionException("maven", "null", "missing");
    }
    String v = version.trim().toLowerCase(Locale.ROOT);
    ListItem root = new ListItem();
    ListItem list = root;
    Deque<ListItem> stack = new ArrayDeque<>();
    stack.push(list);
    boolean isDigit = false;
    int start = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '.') {
        list.add(i == start ? NumberItem.ZERO : item(isDigit, v.substring(start, i)));
        start = i + 1;
      } else if (c == '-') {
        list.add(i == start ? NumberItem.ZERO : item(isDigit, v.substring(start, i)));
        start = i + 1;
        ListItem sub = new ListItem();
        list.add(sub);
        list = sub;
        stack.push(list);
      } else if (Digits.isDigit(c)) {
        if (!isDigit && i > start) {
          // 1.0.0.X1 < 1.0.0-X2: a qualifier followed by digits opens a sub-list
          if (!list.isEmpty()) {
            ListItem sub = new ListItem();
            list.add(sub);
            list = sub;
            stack.push(list);
          }
          list.add(new StringItem(v.substring(start, i), true));
          start = i;
          ListItem sub = new ListItem();
          list.add(sub);
          list = sub;
          stack.push(list);
        }
        isDigit = true;
      } else {
        if (isDigit && i > start) {
          list.add(item(true, v.substring(start, i)));
          start = i;
          ListItem sub = new ListItem();
          list.add(sub);
          list = sub;
          stack.push(list);
        }
        isDigit = false;
      }
    }
    if (v.length() > start) {
      if (!isDigit && !list.isEmpty()) {
        ListItem sub = new ListItem();
        list.add(sub);
        list = sub;
        stack.push(list);
      }
      list.add(item(isDigit, v.substring(start)));
    }
    while (!stack.isEmpty()) {
      stack.pop().normalize();
    }
    return root;
  }

  private static Item item(boolean isDigit, String text) {
    return isDigit ? new NumberItem(Digits.strip(text)) : new StringItem(text, false);
  }

  private sealed interface Item permits NumberItem, StringItem, ListItem {
    /** Compares with another item, or with "nothing" when {@code other} is null. */
    int compareTo(Item other);

    boolean isNull();
  }

  private record NumberItem(String digits) implements Item {
    static final NumberItem ZERO = new NumberItem("0");

    @Override
    public int compareTo(Item other) {
      if (other == null) {
        return isNull() ? 0 : 1;
      }
      if (other instanceof NumberItem n) {
        return Digits.compare(digits, n.digits);
      }
      return 1; // 1.1 > 1-sp and 1.1 > 1-1
    }

    @Override
    public boolean isNull() {
      return digits.equals("0");
    }

    @Override
    public String toString() {
      return digits;
    }
  }

  private static final class StringItem implements Item {
    private final String value;

    StringItem(String value, boolean followedByDigit) {
      String v = value;
      if (followedByDigit && v.length() == 1) {
        switch (v.charAt(0)) {
          case 'a' -> v = "alpha";
          case 'b' -> v = "beta";
          case 'm' -> v = "milestone";
          default -> {}
        }
      }
      this.value = ALIASES.getOrDefault(v, v);
    }

    private static String comparable(String qualifier) {
      int i = QUALIFIERS.indexOf(qualifier);
      return i == -1 ? (QUALIFIERS.size() + "-" + qualifier) : String.valueOf(i);
    }

    @Override
    public int compareTo(Item other) {
      if (other == null) {
        return comparable(value).compareTo(RELEASE_INDEX);
      }
      if (other instanceof StringItem s) {
        return comparable(value).compareTo(comparable(s.value));
      }
      return -1; // 1-sp < 1.1 and 1-sp < 1-1
    }

    @Override
    public boolean isNull() {
      return comparable(value).equals(RELEASE_INDEX);
    }

    @Override
    public String toString() {
      return value;
    }
  }

  private static final class ListItem extends ArrayList<Item> implements Item {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isNull() {
      return isEmpty();
    }

    /** Drops trailing null items (0, "", empty lists) before the last non-list item. */
    void normalize() {
      for (int i = size() - 1; i >= 0; i--) {
        Item last = get(i);
        if (last.isNull()) {
          remove(i);
        } else if (!(last instanceof ListItem)) {
          break;
        }
      }
    }

    @Override
    public int compareTo(Item other) {
      if (other == null) {
        for (Item i : this) {
          int r = i.compareTo(null);
          if (r != 0) {
            return r;
          }
        }
        return 0;
      }
      if (other instanceof NumberItem) {
        return -1; // 1-1 < 1.0.x
      }
      if (other instanceof StringItem) {
        return 1; // 1-1 > 1-sp
      }
      Iterator<Item> left = iterator();
      Iterator<Item> right = ((ListItem) other).iterator();
      while (left.hasNext() || right.hasNext()) {
        Item a = left.hasNext() ? left.next() : null;
        Item b = right.hasNext() ? right.next() : null;
        int r = a == null ? (b == null ? 0 : -b.compareTo(null)) : a.compareTo(b);
        if (r != 0) {
          return r;
        }
      }
      return 0;
    }

    @Override
    public boolean equals(Object o) {
      return o == this;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public String toString() {
      // Unlike Maven's canonical form, a leading sub-list keeps its '-', so that the
      // normalized form parses back to an equal version ("0.alpha" -> "-alpha", not "alpha").
      StringBuilder out = new StringBuilder();
      boolean first = true;
      for (Item item : this) {
        if (!first || item instanceof ListItem) {
          out.append(item instanceof ListItem ? '-' : '.');
        }
        first = false;
        out.append(item);
      }
      return out.toString();
    }
  }
}
