package org.metaforge.framework.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.pf4j.BasePluginLoader;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DevelopmentPluginClasspath;
import org.pf4j.ExtensionFactory;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;

/**
 * PF4J's manager with application-first class loading and extensions created by the host.
 *
 * <p>Plugins are loaded one path at a time by {@link PluginHost}: a jar, or a development directory
 * (a plugin module with {@code plugin.properties} and {@code target/classes}).
 */
final class HostPluginManager extends DefaultPluginManager {

    HostPluginManager(Path root) {
        super(root);
    }

    /** Sets how extension instances are made (e.g. through the Guice injector). */
    void instantiateWith(Function<Class<?>, Object> instantiate) {
        ((HostExtensionFactory) getExtensionFactory()).instantiate = instantiate;
    }

    @Override
    protected ExtensionFactory createExtensionFactory() {
        // Called from the super constructor: no field of this class may be used here.
        return new HostExtensionFactory();
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new DevelopmentDirectoryLoader(this), () -> true)
                .add(new AppFirstJarLoader(this), () -> true);
    }

    private static final class HostExtensionFactory implements ExtensionFactory {
        private volatile Function<Class<?>, Object> instantiate;

        @Override
        public <T> T create(Class<T> extensionClass) {
            Function<Class<?>, Object> f = instantiate;
            if (f == null) {
                throw new IllegalStateException("The plugin host is not wired to an injector yet");
            }
            return extensionClass.cast(f.apply(extensionClass));
        }
    }

    private static final class AppFirstJarLoader extends JarPluginLoader {
        AppFirstJarLoader(HostPluginManager manager) {
            super(manager);
        }

        @Override
        protected PluginClassLoader createPluginClassLoader(
                Path pluginPath, PluginDescriptor descriptor) {
            return new AppFirstPluginClassLoader(
                    pluginManager, descriptor, getClass().getClassLoader());
        }
    }

    private static final class DevelopmentDirectoryLoader extends BasePluginLoader {
        DevelopmentDirectoryLoader(HostPluginManager manager) {
            super(manager, new DevelopmentPluginClasspath());
        }

        @Override
        public boolean isApplicable(Path pluginPath) {
            return Files.isDirectory(pluginPath);
        }

        @Override
        protected PluginClassLoader createPluginClassLoader(
                Path pluginPath, PluginDescriptor descriptor) {
            return new AppFirstPluginClassLoader(
                    pluginManager, descriptor, getClass().getClassLoader());
        }
    }
}
