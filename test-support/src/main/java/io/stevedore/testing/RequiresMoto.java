package io.stevedore.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs moto's server: skipped loudly where moto is missing, failed instead when
 * {@code STEVEDORE_REQUIRE_MOTO=1}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MotoCondition.class)
public @interface RequiresMoto {}
