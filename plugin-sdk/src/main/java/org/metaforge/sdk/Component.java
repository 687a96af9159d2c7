package org.metaforge.sdk;

import org.metaforge.sdk.config.Validation;

/**
 * A named, configurable unit of work that a plugin contributes.
 *
 * <p>A component's id is {@code plugin-id/name}; the plugin part is added by the host, so {@link
 * #name()} returns only the part after the slash (stable lowercase kebab-case, part of every cache
 * key). The configuration is an immutable record of type {@link #configType()} whose components
 * carry {@link org.metaforge.sdk.config.Param} annotations; the record's compact constructor
 * validates single fields, {@link #validate} checks what needs more than one record.
 *
 * @param <C> the component's configuration record
 */
public interface Component<C extends Record> {

    /** The component's name inside its plugin, e.g. {@code sgd}. */
    String name();

    /** One sentence saying what the component does, shown by {@code metaforge list}. */
    String description();

    /** The configuration record type. */
    Class<C> configType();

    /**
     * Checks what the record constructor cannot, such as a nested component's configuration. Called
     * before any work starts; add every problem found rather than stopping at the first.
     */
    default void validate(C config, Validation validation) {}

    /**
     * Whether the component reads the task's images. Components that generate their own data from
     * their configuration (e.g. synthetic faces) return false and are run with the dataset {@code
     * none}; the host refuses {@code none} for a component that reads images.
     */
    default boolean readsTaskData() {
        return true;
    }
}
