package org.metaforge.framework.plugin;

import java.nio.file.Path;

/**
 * A plugin that could not be loaded, and why.
 *
 * @param source the jar or directory
 * @param message one sentence naming the culprit and the fix
 */
public record PluginProblem(Path source, String message) {}
