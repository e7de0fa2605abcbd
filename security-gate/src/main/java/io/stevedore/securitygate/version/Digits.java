package io.stevedore.securitygate.version;

/** Comparison of unbounded decimal digit strings without overflow. */
final class Digits {

  private Digits() {}

  /** The digits without leading zeros; {@code "0"} for an empty or all-zero string. */
  static String strip(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    String s = digits.substring(i);
    return s.isEmpty() ? "0" : s;
  }

  /** Numeric comparison of two digit strings (either may be empty, meaning zero). */
  static int compare(String a, String b) {
    String x = strip(a);
    String y = strip(b);
    if (x.length() != y.length()) {
      return Integer.compare(x.length(), y.length());
    }
    return Integer.signum(x.compareTo(y));
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
