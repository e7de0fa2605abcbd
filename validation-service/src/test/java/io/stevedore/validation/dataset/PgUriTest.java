package io.stevedore.validation.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUriTest {

  @Test
  void readsSourceSchemaAndTable() {
    assertThat(PostgresDatasets.PgUri.parse("postgres://crm/sales.Orders"))
        .isEqualTo(new PostgresDatasets.PgUri("crm", "sales", "Orders"));
    assertThat(PostgresDatasets.PgUri.parse("postgres://crm/orders"))
        .isEqualTo(new PostgresDatasets.PgUri("crm", "public", "orders"));
  }

  @Test
  void rejectsWhatIsNotSourceSchemaTable() {
    for (String bad :
        new String[] {
          "postgres://crm",
          "postgres://crm/",
          "postgres://crm/a.b.c",
          "postgres://c rm/a.b",
          "postgres://crm/a/b",
          "s3://crm/a.b",
          null
        }) {
      assertThatThrownBy(() -> PostgresDatasets.PgUri.parse(bad))
          .isInstanceOf(DatasetNotFoundException.class)
          .hasMessageContaining("postgres://<source>/<schema>.<table>");
    }
  }

  @Test
  void mapsColumnTypes() {
    assertThat(PostgresDatasets.duckType("int8", false, 0, 0)).isEqualTo("BIGINT");
    assertThat(PostgresDatasets.duckType("numeric", true, 10, 2)).isEqualTo("DECIMAL(10,2)");
    assertThat(PostgresDatasets.duckType("numeric", false, 0, 0)).isEqualTo("DOUBLE");
    assertThat(PostgresDatasets.duckType("numeric", true, 50, 2)).isEqualTo("DOUBLE");
    assertThat(PostgresDatasets.duckType("timestamptz", false, 0, 0)).isEqualTo("TIMESTAMPTZ");
    assertThat(PostgresDatasets.duckType("jsonb", false, 0, 0)).isEqualTo("VARCHAR");
    assertThat(PostgresDatasets.quote("a\"b")).isEqualTo("\"a\"\"b\"");
  }
}
