package org.metaforge.framework;

import com.google.inject.AbstractModule;
import org.metaforge.framework.data.DatasetCatalog;
import org.metaforge.framework.plugin.PluginHost;
import org.metaforge.framework.run.RunConsole;
import org.metaforge.framework.run.RuntimeSettings;
import org.metaforge.framework.run.StoreAccess;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.sdk.autodiff.Autodiff;

/**
 * Binds the runtime's services. Only binds: the closeable parts are created and owned by {@link
 * Metaforge}, which hands them in as instances.
 */
final class MetaforgeModule extends AbstractModule {

    private final RuntimeSettings settings;
    private final RunConsole console;
    private final DatasetCatalog catalog;
    private final StoreAccess store;
    private final TrialStore trialStore;
    private final Autodiff autodiff;
    private final PluginHost plugins;

    MetaforgeModule(
            RuntimeSettings settings,
            RunConsole console,
            DatasetCatalog catalog,
            StoreAccess store,
            TrialStore trialStore,
            Autodiff autodiff,
            PluginHost plugins) {
        this.settings = settings;
        this.console = console;
        this.catalog = catalog;
        this.store = store;
        this.trialStore = trialStore;
        this.autodiff = autodiff;
        this.plugins = plugins;
    }

    @Override
    protected void configure() {
        bind(RuntimeSettings.class).toInstance(settings);
        bind(RunConsole.class).toInstance(console);
        bind(DatasetCatalog.class).toInstance(catalog);
        bind(StoreAccess.class).toInstance(store);
        bind(TrialStore.class).toInstance(trialStore);
        bind(Autodiff.class).toInstance(autodiff);
        bind(PluginHost.class).toInstance(plugins);
    }
}
