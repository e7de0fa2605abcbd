package io.stevedore.cost.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the cost service (prefix {@code stevedore.cost}). */
@ConfigMapping(prefix = "stevedore.cost")
public interface CostConfig {

  /** The price book that turns resources and durations into money. */
  PriceBook priceBook();

  /** How often budgets are compared with the month's spend, raising alerts when crossed. */
  @WithDefault("15m")
  Duration budgetCheckInterval();

  /** The price book. */
  interface PriceBook {
    /**
     * The ISO 4217 currency every price and report is in. One currency per installation: amounts
     * are never converted.
     */
    @WithDefault("USD")
    String currency();

    /** The AWS region whose Fargate prices apply when a price carries no region of its own. */
    @WithDefault("us-east-1")
    String region();
  }
}
