package org.metaforge.framework.plugin;

import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin class loader that takes the host's shared packages from the application.
 *
 * <p>PF4J loads plugin-first by default; a plugin that bundled DJL would then load a second copy of
 * the engine, whose native library can be loaded by one class loader only, breaking the whole JVM.
 * The SDK, DJL, PF4J, SLF4J and jakarta.inject are therefore always loaded by the parent.
 */
final class AppFirstPluginClassLoader extends PluginClassLoader {

    /** Packages (as class-name prefixes) always taken from the application. */
    static final List<String> SHARED_PREFIXES =
            List.of("ai.djl.", "org.metaforge.sdk.", "org.pf4j.", "org.slf4j.", "jakarta.inject.");

    AppFirstPluginClassLoader(
            PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    public Class<?> loadClass(String name) throws ClassNotFoundException {
        if (isShared(name)) {
            return getParent().loadClass(name);
        }
        return super.loadClass(name);
    }

    static boolean isShared(String className) {
        for (String p : SHARED_PREFIXES) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
