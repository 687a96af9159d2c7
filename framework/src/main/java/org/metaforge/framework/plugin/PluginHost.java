package org.metaforge.framework.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.metaforge.sdk.Component;
import org.metaforge.sdk.Distiller;
import org.metaforge.sdk.Learner;
import org.metaforge.sdk.MetaOptimizer;
import org.metaforge.sdk.Solver;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads plugins from jars and development directories and registers their components.
 *
 * <p>Every jar is inspected before PF4J sees it; a broken plugin (no descriptor, bundled host
 * classes, failing start, invalid component names) is recorded as a {@link PluginProblem} and
 * skipped, so the others keep working. A plugin beside a {@link PluginLock plugins.lock} that does
 * not allow it is refused the same way, before any of its code is loaded. Closing stops and unloads
 * every plugin.
 */
public final class PluginHost implements AutoCloseable {

    /** The extension points, in the order {@code metaforge list} shows them. */
    public static final List<Class<?>> EXTENSION_POINTS =
            List.of(Learner.class, MetaOptimizer.class, Distiller.class, Solver.class);

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final HostPluginManager manager;
    private final List<PluginInfo> plugins = new ArrayList<>();
    private final List<PluginProblem> problems = new ArrayList<>();
    private final Map<String, Path> sources;
    private ComponentRegistry registry;

    private PluginHost(List<Path> roots, Function<Class<?>, Object> instantiate) {
        Path anchor = roots.isEmpty() ? Path.of(".") : roots.get(0);
        this.manager = new HostPluginManager(anchor);
        manager.instantiateWith(instantiate);
        Map<String, Path> sources = new HashMap<>();
        Map<Path, DirectoryLock> locks = new HashMap<>();
        for (Path root : roots) {
            List<Path> candidates;
            try {
                candidates = PluginJarInspector.expand(root);
            } catch (IOException e) {
                problems.add(
                        new PluginProblem(
                                root, "Cannot read plugins directory " + root + ": " + e));
                continue;
            }
            for (Path p : candidates) {
                if (allowed(p, locks)) {
                    load(p, sources);
                }
            }
        }
        manager.startPlugins();
        this.sources = sources;
    }

    /**
     * Creates the components of the started plugins, once, on first use: extensions are made
     * through the injector, which does not exist yet while plugins load.
     */
    private synchronized ComponentRegistry components() {
        if (registry != null) {
            return registry;
        }
        List<ComponentEntry> entries = new ArrayList<>();
        for (PluginWrapper w : manager.getPlugins()) {
            Path src = sources.getOrDefault(w.getPluginId(), w.getPluginPath());
            if (w.getPluginState() != PluginState.STARTED) {
                Throwable t = w.getFailedException();
                problems.add(
                        new PluginProblem(
                                src,
                                "Plugin '"
                                        + w.getPluginId()
                                        + "' failed to start"
                                        + (t == null ? "" : " (" + t + ")")
                                        + "; check that it was built against this Metaforge"
                                        + " version."));
                continue;
            }
            PluginDescriptor d = w.getDescriptor();
            PluginInfo info =
                    new PluginInfo(
                            d.getPluginId(),
                            d.getVersion(),
                            d.getProvider(),
                            d.getPluginDescription(),
                            src);
            try {
                entries.addAll(extensionsOf(info));
                plugins.add(info);
            } catch (RuntimeException | LinkageError e) {
                problems.add(
                        new PluginProblem(
                                src,
                                "Plugin '"
                                        + d.getPluginId()
                                        + "' could not create its components: "
                                        + e.getMessage()));
            }
        }
        registry = new ComponentRegistry(dropDuplicates(entries));
        return registry;
    }

    /**
     * Loads every plugin found under {@code roots}: directories of jars, single jars, or
     * development directories (containing {@code plugin.properties} and {@code target/classes}).
     *
     * @param instantiate creates extension instances (the runtime passes its injector)
     */
    public static PluginHost load(List<Path> roots, Function<Class<?>, Object> instantiate) {
        return new PluginHost(roots, instantiate);
    }

    /**
     * Whether the {@code plugins.lock} beside {@code p}, if any, allows it; records a problem if
     * not. A lock that cannot be read is one problem, and refuses every plugin beside it.
     */
    private boolean allowed(Path p, Map<Path, DirectoryLock> locks) {
        Path dir = p.toAbsolutePath().normalize().getParent();
        DirectoryLock lock =
                locks.computeIfAbsent(
                        dir,
                        d -> {
                            DirectoryLock l = DirectoryLock.of(d);
                            l.error().ifPresent(m -> problems.add(new PluginProblem(l.file(), m)));
                            return l;
                        });
        if (lock.error().isPresent()) {
            return false;
        }
        if (lock.lock().isEmpty()) {
            return true;
        }
        Optional<String> refusal;
        try {
            refusal = lock.lock().get().refusal(p);
        } catch (IOException e) {
            refusal = Optional.of("Plugin " + p + " cannot be read to check it (" + e + ").");
        }
        refusal.ifPresent(r -> problems.add(new PluginProblem(p, r)));
        return refusal.isEmpty();
    }

    /** A directory's lock: none, one, or one that cannot be read (which refuses everything). */
    private record DirectoryLock(Path file, Optional<PluginLock> lock, Optional<String> error) {
        static DirectoryLock of(Path dir) {
            Path file = dir.resolve(PluginLock.FILE_NAME);
            try {
                return new DirectoryLock(file, PluginLock.of(dir), Optional.empty());
            } catch (PluginLock.MalformedException e) {
                return refusingAll(file, e.getMessage());
            } catch (IOException e) {
                return refusingAll(file, "Cannot read plugin lock " + file + " (" + e + ").");
            }
        }

        private static DirectoryLock refusingAll(Path file, String why) {
            String m = why + " No plugin of " + file.getParent() + " was loaded.";
            return new DirectoryLock(file, Optional.empty(), Optional.of(m));
        }
    }

    private void load(Path p, Map<String, Path> sources) {
        if (Files.isRegularFile(p)) {
            Optional<String> problem = PluginJarInspector.inspect(p);
            if (problem.isPresent()) {
                problems.add(new PluginProblem(p, problem.get()));
                return;
            }
        }
        try {
            String id = manager.loadPlugin(p);
            if (id == null) {
                problems.add(new PluginProblem(p, "PF4J refused plugin " + p + "."));
            } else {
                sources.put(id, p);
            }
        } catch (RuntimeException e) {
            problems.add(
                    new PluginProblem(
                            p,
                            "Plugin "
                                    + p.getFileName()
                                    + " could not be loaded: "
                                    + e.getMessage()
                                    + "."));
        }
    }

    private List<ComponentEntry> extensionsOf(PluginInfo info) {
        List<ComponentEntry> out = new ArrayList<>();
        for (Class<?> point : EXTENSION_POINTS) {
            for (Object ext : manager.getExtensions(point, info.id())) {
                Component<?> c = (Component<?>) ext;
                if (c.name() == null || !NAME.matcher(c.name()).matches()) {
                    throw new IllegalStateException(
                            ext.getClass().getName()
                                    + " has name '"
                                    + c.name()
                                    + "'; names must be lowercase kebab-case");
                }
                out.add(
                        new ComponentEntry(
                                info.id() + "/" + c.name(), point.getSimpleName(), info, c));
            }
        }
        return out;
    }

    private List<ComponentEntry> dropDuplicates(List<ComponentEntry> entries) {
        Map<String, ComponentEntry> seen = new HashMap<>();
        List<ComponentEntry> out = new ArrayList<>();
        for (ComponentEntry e : entries) {
            ComponentEntry first = seen.putIfAbsent(e.id(), e);
            if (first == null) {
                out.add(e);
            } else {
                problems.add(
                        new PluginProblem(
                                e.plugin().source(),
                                "Component id '"
                                        + e.id()
                                        + "' is defined twice (by "
                                        + first.plugin().source()
                                        + " and "
                                        + e.plugin().source()
                                        + "); only the first is used."));
            }
        }
        return out;
    }

    /** The plugins that loaded and started. */
    public synchronized List<PluginInfo> plugins() {
        components();
        return List.copyOf(plugins);
    }

    /** The plugins that did not load, with reasons. */
    public synchronized List<PluginProblem> problems() {
        components();
        return List.copyOf(problems);
    }

    /** The components of the loaded plugins. */
    public ComponentRegistry registry() {
        return components();
    }

    @Override
    public void close() {
        // unloadPlugins stops each plugin first; PF4J's stopPlugins trips over its own list.
        manager.unloadPlugins();
    }
}
