package org.metaforge.store;

import java.io.RandomAccessFile;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.DataIO;
import org.mapdb.Serializer;
import org.mapdb.StoreDirect;
import org.mapdb.StoreDirectAbstract;
import org.mapdb.volume.Volume;

/** A closed store file opened with MapDB alone, to damage or inspect it below the store's API. */
final class RawStore implements AutoCloseable {

    /** A word that fails MapDB's 4-bit parity check ({@code FreeSpaceDamageTest} checks it). */
    static final long BROKEN_WORD = 0x0123_4567_89abL;

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

    /**
     * Breaks the parity of the first word of the head chunk of every free-space list of MapDB (one
     * list per record size class) in the closed file {@code file}, as a damaged log replay can;
     * returns how many lists were damaged. Values are left alone. Reads MapDB's header through its
     * protected accessors: MapDB has no public API for its free-space lists.
     */
    static int damageFreeSpaceLists(Path file) throws Exception {
        List<Long> chunks = new ArrayList<>();
        DB view = DBMaker.fileDB(file.toFile()).readOnly().fileLockDisable().make();
        try {
            StoreDirect store = (StoreDirect) view.getStore();
            Method masterLink =
                    StoreDirectAbstract.class.getDeclaredMethod(
                            "longStackMasterLinkOffset", long.class);
            masterLink.setAccessible(true);
            Method headVol = StoreDirectAbstract.class.getDeclaredMethod("getHeadVol");
            headVol.setAccessible(true);
            Volume head = (Volume) headVol.invoke(store);
            // Size classes are multiples of 16 bytes; a master link holds the offset of its list's
            // head chunk in bits 4-47, under a 4-bit parity.
            for (long size = 16; size <= 65_520; size += 16) {
                long link = head.getLong((long) masterLink.invoke(store, size));
                long chunk = link == 0 ? 0 : DataIO.parity4Get(link) & 0xFFFF_FFFF_FFF0L;
                if (chunk != 0) {
                    chunks.add(chunk);
                }
            }
        } finally {
            view.close();
        }
        if (chunks.isEmpty()) {
            throw new IllegalStateException("Store " + file + " has no free space to damage.");
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (long chunk : chunks) {
                raf.seek(chunk);
                raf.writeLong(BROKEN_WORD);
            }
        }
        return chunks.size();
    }

    @Override
    public void close() {
        db.close();
    }
}
