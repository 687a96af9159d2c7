package org.metaforge.store;

import java.time.Instant;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * The named maps inside a store file and its format marker.
 *
 * <p>Every map is keyed by strings and holds encoded {@link Envelope}s: results and their index
 * entries by key hex, checkpoints and artifacts by {@code <key hex>/<name>}. The {@code meta} map
 * holds {@code format=1}. Not thread-safe; {@link ResultStore} serialises access.
 */
final class StoreLayout {

    static final String FORMAT_KEY = "format";
    static final String FORMAT = "1";
    static final String META = "meta";
    static final String RESULTS = "results";
    static final String INDEX = "result-index";
    static final String CHECKPOINTS = "checkpoints";
    static final String ARTIFACTS = "artifacts";

    final DB db;
    final BTreeMap<String, byte[]> results;
    final BTreeMap<String, byte[]> index;
    final BTreeMap<String, byte[]> checkpoints;
    final BTreeMap<String, byte[]> artifacts;

    private StoreLayout(DB db) {
        this.db = db;
        this.results = bytes(db, RESULTS);
        this.index = bytes(db, INDEX);
        this.checkpoints = bytes(db, CHECKPOINTS);
        this.artifacts = bytes(db, ARTIFACTS);
    }

    /**
     * Checks the format marker of an opened file, or writes it into an empty one, and opens the
     * maps.
     *
     * @throws Unusable if the file is not a store this version can use
     * @throws RuntimeException from MapDB if the catalog is damaged
     */
    static StoreLayout attach(DB db) {
        boolean empty = !db.getAllNames().iterator().hasNext();
        BTreeMap<String, String> meta = meta(db);
        String format = meta.get(FORMAT_KEY);
        if (format == null) {
            if (!empty) {
                throw new Unusable("it has data but no Metaforge format marker");
            }
            // A new file, or one whose creating process died before the first commit.
            StoreLayout layout = new StoreLayout(db);
            meta.put(FORMAT_KEY, FORMAT);
            meta.put("created", Instant.now().toString());
            db.commit();
            return layout;
        }
        if (!format.equals(FORMAT)) {
            throw new Unusable(
                    "its format marker is format="
                            + format
                            + " but this version of Metaforge reads format="
                            + FORMAT);
        }
        return new StoreLayout(db);
    }

    static BTreeMap<String, String> meta(DB db) {
        return db.treeMap(META, Serializer.STRING, Serializer.STRING).createOrOpen();
    }

    private static BTreeMap<String, byte[]> bytes(DB db, String name) {
        // Values outside the nodes: payloads can be megabytes, and a node rewrite must not copy
        // its neighbours' payloads.
        return db.treeMap(name, Serializer.STRING, Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable()
                .createOrOpen();
    }

    /** The file opens as MapDB but is not a store this version can use. */
    static final class Unusable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unusable(String reason) {
            super(reason);
        }
    }
}
