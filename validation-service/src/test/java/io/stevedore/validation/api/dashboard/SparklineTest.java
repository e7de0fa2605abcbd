package io.stevedore.validation.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparklineTest {

  static double[][] points(Sparkline s) {
    return Arrays.stream(s.points().split(" "))
        .map(p -> Arrays.stream(p.split(",")).mapToDouble(Double::parseDouble).toArray())
        .toArray(double[][]::new);
  }

  @Test
  void drawsOldestLeftAndHigherScoresHigher() {
    Sparkline s = Sparkline.of(List.of(98.0, 99.9, 99.5), 100, 20);
    double[][] p = points(s);
    assertThat(p).hasNumberOfRows(3);
    assertThat(p[0][0]).isLessThan(p[1][0]);
    assertThat(p[1][0]).isLessThan(p[2][0]);
    // the range is stretched to the height: 99.9 at the top, 98.0 at the bottom
    assertThat(p[1][1]).isEqualTo(2.0);
    assertThat(p[0][1]).isEqualTo(18.0);
    assertThat(p[2][1]).isBetween(2.0, 18.0);
    assertThat(s.lastX()).isEqualTo("98.0");
    assertThat(s.label()).contains("98.00, 99.90, 99.50").contains("from 98.00").contains("99.90");
  }

  @Test
  void aFlatTrendSitsInTheMiddleAndOneScoreIsADot() {
    Sparkline flat = Sparkline.of(List.of(100.0, 100.0), 100, 20);
    double[][] p = points(flat);
    assertThat(p[0][1]).isEqualTo(p[1][1]);
    assertThat(p[0][1]).isBetween(2.0, 18.0);

    Sparkline one = Sparkline.of(List.of(42.0), 100, 20);
    assertThat(one.count()).isEqualTo(1);
    assertThat(one.lastX()).isEqualTo("50.0");

    Sparkline none = Sparkline.of(List.of(), 100, 20);
    assertThat(none.count()).isZero();
    assertThat(none.points()).isEmpty();
  }

  @Test
  void scoresOutsideZeroToHundredAreClamped() {
    double[][] p = points(Sparkline.of(List.of(-5.0, 150.0), 100, 20));
    assertThat(p[0][1]).isEqualTo(18.0);
    assertThat(p[1][1]).isEqualTo(2.0);
  }
}
