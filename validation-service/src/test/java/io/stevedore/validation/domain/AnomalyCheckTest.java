package io.stevedore.validation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.validation.engine.CheckResult;
import io.stevedore.validation.suite.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyCheckTest {

  @Test
  void passesWithinTheBoundAndWarnsBeyondIt() {
    // mean 100, sample standard deviation 2
    List<Long> history = List.of(98L, 100L, 102L, 100L, 98L, 102L);
    double sd = Math.sqrt((4 + 0 + 4 + 0 + 4 + 4) / 5.0);
    assertThat(ValidationService.anomaly(105, history, 3.0).passed())
        .isEqualTo(Math.abs(105 - 100) / sd <= 3.0);
    CheckResult far = ValidationService.anomaly(200, history, 3.0);
    assertThat(far.passed()).isFalse();
    assertThat(far.severity()).isEqualTo(Severity.WARN);
    assertThat(far.passRatio()).isZero();
    assertThat(far.failedRows()).isNull();
    assertThat(far.observed()).startsWith("200 rows; last 6 results: mean 100.0");
  }

  @Test
  void aConstantHistoryPassesOnlyTheSameCount() {
    List<Long> same = List.of(10L, 10L, 10L, 10L);
    assertThat(ValidationService.anomaly(10, same, 3.0).passed()).isTrue();
    CheckResult other = ValidationService.anomaly(11, same, 3.0);
    assertThat(other.passed()).isFalse();
    assertThat(other.observed()).contains("z-score infinite");
  }
}
