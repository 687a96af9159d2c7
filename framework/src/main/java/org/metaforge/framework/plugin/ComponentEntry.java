package org.metaforge.framework.plugin;

import org.metaforge.sdk.Component;

/**
 * A registered component.
 *
 * @param id the stable id {@code plugin-id/name}
 * @param extensionPoint the SDK interface it implements, e.g. {@code Learner}
 * @param plugin the plugin it comes from
 * @param component the instance (stateless, shared)
 */
public record ComponentEntry(
        String id, String extensionPoint, PluginInfo plugin, Component<?> component) {}
