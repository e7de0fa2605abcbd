package io.stevedore.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamedParametersTest {

  @Test
  void turnsNamedParametersIntoPlaceholdersInOrder() {
    NamedParameters p =
        NamedParameters.parse(
            "select * from t where day = :logical_date and region = :params.region"
                + " and day > :logical_date - 7");

    assertThat(p.sql()).isEqualTo("select * from t where day = ? and region = ? and day > ? - 7");
    assertThat(p.names()).containsExactly("logical_date", "params.region", "logical_date");
  }

  @Test
  void leavesCastsLiteralsQuotedIdentifiersAndCommentsAlone() {
    String query =
        "select x::date, ':a', \"b:c\", 'it''s :d' -- :e\n from t /* :f */ where y = :g.";

    NamedParameters p = NamedParameters.parse(query);

    assertThat(p.sql())
        .isEqualTo(
            "select x::date, ':a', \"b:c\", 'it''s :d' -- :e\n from t /* :f */ where y = ?.");
    assertThat(p.names()).isEqualTo(List.of("g"));
  }
}
