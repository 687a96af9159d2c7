package org.metaforge.framework.plugin;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The components of all loaded plugins, by stable id ({@code plugin-id/name}). Immutable. */
public final class ComponentRegistry {

    private final Map<String, ComponentEntry> byId;

    ComponentRegistry(List<ComponentEntry> entries) {
        Map<String, ComponentEntry> m = new TreeMap<>();
        for (ComponentEntry e : entries) {
            m.put(e.id(), e);
        }
        this.byId = Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The component with {@code id}, if loaded. */
    public Optional<ComponentEntry> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** All components, sorted by id. */
    public Collection<ComponentEntry> all() {
        return byId.values();
    }

    /** All ids, sorted. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }
}
