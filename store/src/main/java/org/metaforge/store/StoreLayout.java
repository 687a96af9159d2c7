package org.metaforge.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named maps inside a store file and its format marker.
 *
 * <p>Every map is keyed by strings and holds encoded {@link Envelope}s, each bound to its map and
 * key ({@link KeyBinding}): results and their index entries by key hex, checkpoints and artifacts
 * by {@code <key hex>/<name>}. The {@code meta} map holds {@code format=2}. Format 1 stored bare
 * envelopes; {@link #attach} binds them in place (format 2 reads only bound values). Not
 * thread-safe; {@link ResultStore} serialises access.
 */
final class StoreLayout {

    static final String FORMAT_KEY = "format";
    static final String FORMAT = "2";

    /** The format before values were bound to their keys; upgraded when opened. */
    static final String FORMAT_UNBOUND = "1";

    static final String META = "meta";
    static final String RESULTS = "results";
    static final String INDEX = "result-index";
    static final String CHECKPOINTS = "checkpoints";
    static final String ARTIFACTS = "artifacts";

    /** Type of the envelopes in {@link #INDEX}. */
    static final String INDEX_TYPE = "result-index";

    /** Types of the store's own envelopes, which a result cannot have. */
    static final Set<String> STORE_TYPES =
            Set.of(INDEX_TYPE, Envelope.CHECKPOINT, Envelope.ARTIFACT);

    private static final Logger LOG = LoggerFactory.getLogger(StoreLayout.class);

    /** Values bound per MapDB commit when upgrading, so a big store is not one huge transaction. */
    private static final int UPGRADE_BATCH = 256;

    final DB db;
    final EnvelopeMap results;
    final EnvelopeMap index;
    final EnvelopeMap checkpoints;
    final EnvelopeMap artifacts;

    private StoreLayout(DB db) {
        this.db = db;
        this.results = EnvelopeMap.ofAnyTypeBut(RESULTS, bytes(db, RESULTS), STORE_TYPES);
        this.index = EnvelopeMap.ofType(INDEX, bytes(db, INDEX), INDEX_TYPE);
        this.checkpoints =
                EnvelopeMap.ofType(CHECKPOINTS, bytes(db, CHECKPOINTS), Envelope.CHECKPOINT);
        this.artifacts = EnvelopeMap.ofType(ARTIFACTS, bytes(db, ARTIFACTS), Envelope.ARTIFACT);
    }

    /**
     * Checks the format marker of an opened file, or writes it into an empty one, and opens the
     * maps; binds the values of a format 1 file to their keys and marks it format 2.
     *
     * @param checkEveryValue whether to read every value first and refuse the file if one is not
     *     whole or not the one written under its key; for a file whose last holder did not close it
     * @throws Unusable if the file is not a store this version can use
     * @throws Damaged if a value was found not to be the one written under its key
     * @throws RuntimeException from MapDB if the catalog is damaged
     */
    static StoreLayout attach(DB db, boolean checkEveryValue) {
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
        if (!format.equals(FORMAT) && !format.equals(FORMAT_UNBOUND)) {
            throw new Unusable(
                    "its format marker is format="
                            + format
                            + " but this version of Metaforge reads format="
                            + FORMAT
                            + " (and upgrades format="
                            + FORMAT_UNBOUND
                            + ")");
        }
        StoreLayout layout = new StoreLayout(db);
        if (format.equals(FORMAT_UNBOUND)) {
            int bound = layout.bindUnboundValues();
            meta.put(FORMAT_KEY, FORMAT);
            db.commit();
            LOG.info("Upgraded store to format {}: bound {} values to their keys.", FORMAT, bound);
        }
        if (checkEveryValue) {
            layout.checkEveryValue();
        }
        return layout;
    }

    /**
     * Checks MapDB's own bookkeeping of the file at {@code file}, which this process holds open and
     * locked through MapDB, by a second, read-only view of it: every byte must belong to exactly
     * one of the header, the index, a record or a free-space list, and the free-space lists must
     * read back whole. A replay of MapDB's write-ahead log after a kill can damage these lists
     * without touching any value (so {@link #attach}'s value check passes), and the first later
     * write that frees space of the damaged size then fails with MapDB's "Broken bit parity". For a
     * file whose last holder did not close it; it reads the whole file once.
     *
     * @throws Damaged if the bookkeeping does not add up
     */
    static void checkFreeSpace(Path file) {
        DB view;
        try {
            view = DBMaker.fileDB(file.toFile()).readOnly().fileLockDisable().make();
        } catch (RuntimeException e) {
            throw new Damaged(
                    "MapDB cannot open it read-only to check its free-space lists ("
                            + StoreOpener.summary(e)
                            + ")");
        }
        try {
            view.getStore().verify();
        } catch (RuntimeException | AssertionError e) {
            throw new Damaged(
                    "MapDB's lists of its free space do not add up ("
                            + StoreOpener.summary(e)
                            + "), so a later write would fail");
        } finally {
            view.close();
        }
    }

    static BTreeMap<String, String> meta(DB db) {
        return db.treeMap(META, Serializer.STRING, Serializer.STRING).createOrOpen();
    }

    private List<EnvelopeMap> maps() {
        return List.of(results, index, checkpoints, artifacts);
    }

    /**
     * Binds every bare value of a format 1 file to its map and key, committing in batches; values
     * bound already (by an upgrade that a kill cut short) are checked instead.
     *
     * <p>A value that is not an envelope is bound as it is: reading it still reports it as damaged.
     */
    private int bindUnboundValues() {
        int bound = 0;
        int pending = 0;
        for (EnvelopeMap map : maps()) {
            for (String key : map.keys()) {
                byte[] stored = map.stored(key);
                if (KeyBinding.isBinding(stored)) {
                    try {
                        KeyBinding.unbind(map.name(), key, stored);
                    } catch (IllegalArgumentException e) {
                        throw damaged(1, where(map, key, e));
                    }
                    continue;
                }
                map.putStored(key, KeyBinding.bind(map.name(), key, stored));
                bound++;
                if (++pending == UPGRADE_BATCH) {
                    db.commit();
                    pending = 0;
                }
            }
        }
        return bound;
    }

    /** Reads every value and throws {@link Damaged} if any is not whole, bound or of its type. */
    private void checkEveryValue() {
        int damaged = 0;
        String first = null;
        for (EnvelopeMap map : maps()) {
            for (String key : map.keys()) {
                try {
                    map.read(key, map.stored(key));
                } catch (IllegalArgumentException e) {
                    damaged++;
                    if (first == null) {
                        first = where(map, key, e);
                    }
                }
            }
        }
        if (damaged > 0) {
            throw damaged(damaged, first);
        }
    }

    private static String where(EnvelopeMap map, String key, Exception cause) {
        return map.name() + " entry " + key + ": " + cause.getMessage();
    }

    private static Damaged damaged(int count, String first) {
        return new Damaged(
                count
                        + (count == 1 ? " value does" : " values do")
                        + " not read back as written; the first is "
                        + first);
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

    /**
     * The file opens, but holds a value that is not whole or not the one written under its key, or
     * MapDB's free-space lists do not add up: what a damaged replay of MapDB's write-ahead log
     * leaves. Its journal can rebuild it.
     */
    static final class Damaged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Damaged(String reason) {
            super(reason);
        }
    }
}
