package io.stevedore.securitygate.advisory;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** CVSS v3.0/v3.1 base scores from vector strings ({@code CVSS:3.1/AV:N/AC:L/...}). */
public final class Cvss {

  private Cvss() {}

  /** The base score of a v3 vector, or empty for another version or a malformed vector. */
  public static OptionalDouble baseScore(String vector) {
    if (vector == null || !(vector.startsWith("CVSS:3.1/") || vector.startsWith("CVSS:3.0/"))) {
      return OptionalDouble.empty();
    }
    Map<String, String> m = new HashMap<>();
    for (String part : vector.substring(9).split("/")) {
      String[] kv = part.split(":", 2);
      if (kv.length == 2) {
        m.put(kv[0], kv[1]);
      }
    }
    try {
      boolean changed = scope(m.get("S"));
      double av = pick(m.get("AV"), "N", 0.85, "A", 0.62, "L", 0.55, "P", 0.2);
      double ac = pick(m.get("AC"), "L", 0.77, "H", 0.44);
      double pr =
          changed
              ? pick(m.get("PR"), "N", 0.85, "L", 0.68, "H", 0.5)
              : pick(m.get("PR"), "N", 0.85, "L", 0.62, "H", 0.27);
      double ui = pick(m.get("UI"), "N", 0.85, "R", 0.62);
      double c = pick(m.get("C"), "H", 0.56, "L", 0.22, "N", 0.0);
      double i = pick(m.get("I"), "H", 0.56, "L", 0.22, "N", 0.0);
      double a = pick(m.get("A"), "H", 0.56, "L", 0.22, "N", 0.0);
      double iss = 1 - (1 - c) * (1 - i) * (1 - a);
      double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
      double exploitability = 8.22 * av * ac * pr * ui;
      if (impact <= 0) {
        return OptionalDouble.of(0.0);
      }
      double raw = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
      return OptionalDouble.of(roundUp(Math.min(raw, 10.0)));
    } catch (IllegalArgumentException e) {
      return OptionalDouble.empty();
    }
  }

  private static boolean scope(String s) {
    if ("U".equals(s)) {
      return false;
    } else if ("C".equals(s)) {
      return true;
    }
    throw new IllegalArgumentException("scope " + s);
  }

  private static double pick(String value, Object... pairs) {
    for (int k = 0; k < pairs.length; k += 2) {
      if (pairs[k].equals(value)) {
        return (Double) pairs[k + 1];
      }
    }
    throw new IllegalArgumentException("metric value " + value);
  }

  /** CVSS v3.1's Roundup: the smallest one-decimal number not below the input. */
  static double roundUp(double x) {
    long intInput = Math.round(x * 100000);
    if (intInput % 10000 == 0) {
      return intInput / 100000.0;
    }
    return (Math.floor(intInput / 10000.0) + 1) / 10.0;
  }
}
