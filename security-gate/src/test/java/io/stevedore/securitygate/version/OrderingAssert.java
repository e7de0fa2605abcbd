package io.stevedore.securitygate.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Checks a scheme against tables of known orderings. */
final class OrderingAssert {

  private OrderingAssert() {}

  /** Every element is strictly lower than every later one, in both directions. */
  static void ascending(VersionScheme scheme, List<String> chain) {
    for (int i = 0; i < chain.size(); i++) {
      for (int j = i + 1; j < chain.size(); j++) {
        String lo = chain.get(i);
        String hi = chain.get(j);
        assertThat(scheme.compare(lo, hi)).as("%s < %s", lo, hi).isNegative();
        assertThat(scheme.compare(hi, lo)).as("%s > %s", hi, lo).isPositive();
        assertThat(scheme.normalize(lo))
            .as("normalized %s != %s", lo, hi)
            .isNotEqualTo(scheme.normalize(hi));
      }
    }
  }

  /** All spellings compare equal and share one normalized form. */
  static void equal(VersionScheme scheme, List<String> spellings) {
    String first = spellings.get(0);
    for (String other : spellings) {
      assertThat(scheme.compare(first, other)).as("%s == %s", first, other).isZero();
      assertThat(scheme.normalize(other))
          .as("normalized %s", other)
          .isEqualTo(scheme.normalize(first));
    }
  }
}
