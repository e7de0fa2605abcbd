package io.stevedore.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Array parameters reach Postgres element for element, whatever characters the elements hold. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class JdbcArrayTest {

  @Inject Jdbc jdbc;

  @Test
  void textElementsArriveAsTheyWere() {
    List<String> values =
        Arrays.asList(
            "plain",
            "with,comma",
            "with \"quotes\"",
            "back\\slash",
            "{braces}",
            "  spaces  ",
            "",
            "NULL",
            null,
            "ünïcødé ✓",
            "new\nline");
    List<String> back =
        jdbc.list(
            "select v from unnest(?::text[]) with ordinality as t(v, n) order by n",
            rs -> rs.getString(1),
            Jdbc.array("text", values));
    assertThat(back).isEqualTo(values);
  }

  @Test
  void idsNumbersAndInstantsArriveAsTheyWere() {
    UUID[] ids = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
    List<UUID> back =
        jdbc.list(
            "select v from unnest(?::uuid[]) with ordinality as t(v, n) order by n",
            rs -> rs.getObject(1, UUID.class),
            (Object) ids);
    assertThat(back).containsExactly(ids);
    // Without a cast the parameter's own type (uuid[]) is what makes "= any" work.
    assertThat(
            jdbc.list(
                "select count(*) from (values (?::uuid)) as t(id) where id = any (?)",
                rs -> rs.getInt(1),
                ids[1],
                (Object) ids))
        .containsExactly(1);
    assertThat(
            jdbc.list(
                "select pg_typeof(v)::text from unnest(?) as t(v) limit 1",
                rs -> rs.getString(1),
                Jdbc.array("int8", List.of(5L))))
        .containsExactly("bigint");

    Instant at = Instant.parse("2026-11-27T18:00:00.123456Z");
    List<String> rows =
        jdbc.list(
            "select a || ' ' || b || ' ' || (c = ?) from unnest(?::int4[], ?::int8[],"
                + " ?::timestamptz[]) with ordinality as t(a, b, c, n) order by n",
            rs -> rs.getString(1),
            at,
            Jdbc.array("int4", List.of(1, -2)),
            Jdbc.array("int8", List.of(3L, 4_000_000_000L)),
            Jdbc.array("timestamptz", List.of(at, at)));
    assertThat(rows).containsExactly("1 3 true", "-2 4000000000 true");

    List<Integer> none = new ArrayList<>();
    assertThat(
            jdbc.list(
                "select v from unnest(?::int4[]) as t(v)",
                rs -> rs.getInt(1),
                Jdbc.array("int4", none)))
        .isEmpty();
  }
}
