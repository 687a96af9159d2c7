package org.metaforge.store;

import java.nio.file.Path;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/** A closed store file opened with MapDB alone, to damage or inspect it below the store's API. */
final class RawStore implements AutoCloseable {

    private final DB db;

    private RawStore(DB db) {
        this.db = db;
    }

    static RawStore open(Path file) {
        return new RawStore(DBMaker.fileDB(file.toFile()).transactionEnable().make());
    }

    /** The named map of stored bytes, e.g. {@link StoreLayout#RESULTS}. */
    BTreeMap<String, byte[]> map(String name) {
        return db.treeMap(name, Serializer.STRING, Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable()
                .createOrOpen();
    }

    BTreeMap<String, String> meta() {
        return StoreLayout.meta(db);
    }

    void commit() {
        db.commit();
    }

    @Override
    public void close() {
        db.close();
    }
}
