package io.stevedore.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputsTest {

  @Test
  void namesInputsByFullIdAndByUniqueLastWord() {
    assertThat(Inputs.viewNames(List.of("check-flights", "extract-airports")))
        .containsExactly(
            Map.entry("check-flights", List.of("check_flights", "flights")),
            Map.entry("extract-airports", List.of("extract_airports", "airports")));
  }

  @Test
  void leavesOutALastWordSharedByTwoInputs() {
    assertThat(Inputs.viewNames(List.of("extract-flights", "check-flights", "load-airports")))
        .containsExactly(
            Map.entry("extract-flights", List.of("extract_flights")),
            Map.entry("check-flights", List.of("check_flights")),
            Map.entry("load-airports", List.of("load_airports", "airports")));
  }

  @Test
  void leavesOutALastWordThatIsAnotherInputsFullName() {
    assertThat(Inputs.viewNames(List.of("flights", "clean-flights")))
        .containsExactly(
            Map.entry("flights", List.of("flights")),
            Map.entry("clean-flights", List.of("clean_flights")));
  }
}
