package org.metaforge.framework.plugin;

import java.nio.file.Path;

/**
 * A loaded plugin as {@code metaforge list} shows it.
 *
 * @param id the plugin id (first part of its components' ids)
 * @param version the plugin version (part of cache keys)
 * @param provider who made it
 * @param description one line from the descriptor
 * @param source the jar or development directory it came from
 */
public record PluginInfo(
        String id, String version, String provider, String description, Path source) {}
