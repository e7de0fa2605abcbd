package io.stevedore.securitygate.version;

/**
 * Debian's version ordering, as {@code dpkg --compare-versions} applies it: {@code
 * [epoch:]upstream[-revision]}, epochs numerically, then upstream and revision by dpkg's
 * alternating comparison of non-digit runs (letters before other characters, {@code ~} before
 * everything, even the end) and digit runs (numerically).
 */
final class DpkgVersionScheme implements VersionScheme {

  static final DpkgVersionScheme INSTANCE = new DpkgVersionScheme();

  private DpkgVersionScheme() {}

  /** A parsed version; {@code revision} is empty when absent (which orders as {@code 0}). */
  record Parts(String epoch, String upstream, String revision) {}

  @Override
  public String name() {
    return "dpkg";
  }

  @Override
  public boolean isValid(String version) {
    return problem(version) == null;
  }

  @Override
  public String normalize(String version) {
    Parts p = parse(version);
    return Digits.strip(p.epoch())
        + ":"
        + normalizePart(p.upstream())
        + "-"
        + normalizePart(p.revision());
  }

  @Override
  public int compare(String a, String b) {
    Parts x = parse(a);
    Parts y = parse(b);
    int c = Digits.compare(x.epoch(), y.epoch());
    if (c != 0) {
      return c;
    }
    c = verrevcmp(x.upstream(), y.upstream());
    if (c != 0) {
      return c;
    }
    return verrevcmp(x.revision(), y.revision());
  }

  static Parts parse(String version) {
    String problem = problem(version);
    if (problem != null) {
      throw new InvalidVersionException("dpkg", version, problem);
    }
    String v = version.trim();
    String epoch = "0";
    int colon = v.indexOf(':');
    if (colon >= 0) {
      epoch = v.substring(0, colon);
      v = v.substring(colon + 1);
    }
    String revision = "";
    int dash = v.lastIndexOf('-');
    if (dash >= 0) {
      revision = v.substring(dash + 1);
      v = v.substring(0, dash);
    }
    return new Parts(epoch, v, revision);
  }

  private static String problem(String version) {
    if (version == null || version.isBlank()) {
      return "empty";
    }
    String v = version.trim();
    int colon = v.indexOf(':');
    if (colon >= 0) {
      String epoch = v.substring(0, colon);
      if (epoch.isEmpty() || !epoch.chars().allMatch(ch -> Digits.isDigit((char) ch))) {
        return "epoch '" + epoch + "' is not a number";
      }
      v = v.substring(colon + 1);
    }
    int dash = v.lastIndexOf('-');
    String upstream = dash >= 0 ? v.substring(0, dash) : v;
    String revision = dash >= 0 ? v.substring(dash + 1) : "";
    if (upstream.isEmpty()) {
      return "empty upstream version";
    }
    if (dash >= 0 && revision.isEmpty()) {
      return "empty revision after '-'";
    }
    for (char c : upstream.toCharArray()) {
      if (!(Character.isLetterOrDigit(c) && c < 128) && ".+~-:".indexOf(c) < 0) {
        return "character '" + c + "' not allowed in upstream version";
      }
    }
    for (char c : revision.toCharArray()) {
      if (!(Character.isLetterOrDigit(c) && c < 128) && ".+~".indexOf(c) < 0) {
        return "character '" + c + "' not allowed in revision";
      }
    }
    return null;
  }

  /** dpkg's weight of a character in a non-digit run; {@code 0} stands for the end. */
  private static int order(char c) {
    if (Digits.isDigit(c)) {
      return 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return c;
    } else if (c == '~') {
      return -1;
    } else if (c != 0) {
      return c + 256;
    }
    return 0;
  }

  private static char at(String s, int i) {
    return i < s.length() ? s.charAt(i) : 0;
  }

  static int verrevcmp(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while ((i < a.length() && !Digits.isDigit(a.charAt(i)))
          || (j < b.length() && !Digits.isDigit(b.charAt(j)))) {
        int ac = order(at(a, i));
        int bc = order(at(b, j));
        if (ac != bc) {
          return Integer.signum(ac - bc);
        }
        i++;
        j++;
      }
      int si = i;
      while (i < a.length() && Digits.isDigit(a.charAt(i))) {
        i++;
      }
      int sj = j;
      while (j < b.length() && Digits.isDigit(b.charAt(j))) {
        j++;
      }
      int c = Digits.compare(a.substring(si, i), b.substring(sj, j));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Non-digit runs verbatim, digit runs without leading zeros, a missing number as {@code 0}. */
  private static String normalizePart(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    do {
      int start = i;
      while (i < s.length() && !Digits.isDigit(s.charAt(i))) {
        i++;
      }
      out.append(s, start, i);
      start = i;
      while (i < s.length() && Digits.isDigit(s.charAt(i))) {
        i++;
      }
      out.append(Digits.strip(s.substring(start, i)));
    } while (i < s.length());
    return out.toString();
  }
}
