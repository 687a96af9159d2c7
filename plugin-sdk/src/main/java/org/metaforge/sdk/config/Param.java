package org.metaforge.sdk.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one field of a configuration record: meaning, default and accepted range.
 *
 * <p>Put it on every record component. In specs the field is written in kebab-case ({@code
 * weightDecay} becomes {@code weight-decay}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD})
public @interface Param {

    /** One line saying what the field means. */
    String value();

    /**
     * The default, written as in a spec: {@code "0.1"}, {@code "true"}, {@code "mlp"}, {@code
     * "[0.1, 0.01]"}. Empty means the field is required.
     */
    String defaultValue() default "";

    /** Smallest accepted number (inclusive), for numbers and the elements of number lists. */
    double min() default Double.NEGATIVE_INFINITY;

    /** Largest accepted number (inclusive). */
    double max() default Double.POSITIVE_INFINITY;

    /** Whether {@link #min()} itself is excluded. */
    boolean minExclusive() default false;

    /** For strings: the accepted values (empty: any). Enums list their constants themselves. */
    String[] oneOf() default {};
}
