package org.metaforge.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only copy of every result and artefact written to a store, {@code <store>.journal}.
 *
 * <p>MapDB cannot always replay its own write-ahead log after a kill (a torn log tail makes it
 * throw); the journal is what the store is rebuilt from then. Each record is fsynced before the
 * MapDB commit it mirrors, so every write whose method returned is in the journal whole.
 *
 * <p>Layout (big-endian): a header of {@link #MAGIC} ({@code MFJOURNL}) and a version int, then
 * records of {@code int RECORD_MAGIC, int length, int crc32(payload), payload}. A payload is an
 * operation byte, then for {@link #RESULT} the key hex (modified UTF-8), the encoded result
 * envelope and the encoded index envelope (which holds the key JSON, type and summary), each bytes
 * field as {@code int length, bytes}; for {@link #ARTIFACT} the id {@code <key hex>/<name>} and the
 * encoded artefact envelope. A kill can only cut the last record; reading stops at the first record
 * that is cut or fails its CRC, and the file is truncated there.
 *
 * <p>Not thread-safe; {@link ResultStore} serialises access.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    static final byte[] MAGIC = "MFJOURNL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_BYTES = MAGIC.length + Integer.BYTES;
    static final int RECORD_MAGIC = 0x4D464A52; // "MFJR"
    static final int RECORD_HEADER_BYTES = 3 * Integer.BYTES;
    static final byte RESULT = 1;
    static final byte ARTIFACT = 2;

    /** Records replayed per MapDB commit, so a long journal is not one huge transaction. */
    private static final int REPLAY_BATCH = 256;

    private final Path file;
    private final FileChannel channel;
    private final boolean created;

    private Journal(Path file, FileChannel channel, boolean created) {
        this.file = file;
        this.channel = channel;
        this.created = created;
    }

    /** The journal of the store file {@code store}. */
    static Path pathOf(Path store) {
        return store.resolveSibling(store.getFileName() + ".journal");
    }

    /**
     * Opens or creates the journal, checks its header and cuts off a torn last record.
     *
     * <p>Only the record headers and the last record's CRC are read, so opening stays cheap for a
     * journal of gigabytes; {@link #replay} checks every CRC.
     *
     * @throws BadHeader if the file is not a journal of this version
     */
    static Journal open(Path file) throws IOException {
        FileChannel channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
        try {
            boolean created = false;
            long size = channel.size();
            if (size < HEADER_BYTES) {
                // Absent, or its creator died while writing the header: nothing was journaled.
                byte[] head = read(channel, 0, (int) size);
                if (!Arrays.equals(head, Arrays.copyOf(header(), head.length))) {
                    throw new BadHeader("it is " + size + " bytes long and not a journal header");
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(header()), 0);
                channel.force(true);
                created = true;
            } else {
                byte[] head = read(channel, 0, HEADER_BYTES);
                if (!Arrays.equals(head, header())) {
                    throw new BadHeader(describeHeader(head));
                }
            }
            Journal journal = new Journal(file, channel, created);
            journal.cutTornTail();
            return journal;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The journal file. */
    Path file() {
        return file;
    }

    /** Whether {@link #open} created the file (or found only a partial header). */
    boolean created() {
        return created;
    }

    /**
     * Appends a result record and fsyncs it.
     *
     * @return the journal's length before the record, for {@link #truncate} if the commit fails
     */
    long appendResult(String keyHex, byte[] result, byte[] indexEntry) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(result.length + 256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(RESULT);
        out.writeUTF(keyHex);
        writeBytes(out, result);
        writeBytes(out, indexEntry);
        return append(bytes.toByteArray());
    }

    /**
     * Appends an artefact record and fsyncs it.
     *
     * @return the journal's length before the record, for {@link #truncate} if the commit fails
     */
    long appendArtifact(String id, byte[] artifact) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(artifact.length + 128);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(ARTIFACT);
        out.writeUTF(id);
        writeBytes(out, artifact);
        return append(bytes.toByteArray());
    }

    /** Cuts the journal back to {@code length}, undoing appends whose commit failed. */
    void truncate(long length) throws IOException {
        channel.truncate(length);
        channel.force(true);
    }

    /** How many results and artefacts a replay wrote into the store. */
    record Replayed(int results, int artifacts) {}

    /**
     * Writes every whole record into {@code layout}, later records replacing earlier ones, commits,
     * and truncates the journal after the last whole record. Each value is bound to the key its
     * record names.
     */
    Replayed replay(StoreLayout layout) throws IOException {
        long position = HEADER_BYTES;
        long size = channel.size();
        Set<String> results = new HashSet<>();
        Set<String> artifacts = new HashSet<>();
        int pending = 0;
        while (true) {
            byte[] payload = wholeRecordAt(position, size);
            if (payload == null) {
                break;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
                byte op = in.readByte();
                String id = in.readUTF();
                if (op == RESULT) {
                    byte[] result = readBytes(in);
                    byte[] index = readBytes(in);
                    layout.results.put(id, result);
                    layout.index.put(id, index);
                    results.add(id);
                } else if (op == ARTIFACT) {
                    layout.artifacts.put(id, readBytes(in));
                    artifacts.add(id);
                } else {
                    throw new IOException("unknown operation " + op);
                }
            } catch (IOException e) {
                // The CRC matched, so this is not a torn write but a record we cannot read.
                LOG.warn(
                        "Journal {} has an unreadable record at byte {} ({}); replay stops there.",
                        file,
                        position,
                        e.toString());
                break;
            }
            position += RECORD_HEADER_BYTES + payload.length;
            if (++pending == REPLAY_BATCH) {
                layout.db.commit();
                pending = 0;
            }
        }
        layout.db.commit();
        if (position < size) {
            LOG.warn(
                    "Journal {} ends in {} bytes that are not a whole record; cutting them off.",
                    file,
                    size - position);
            truncate(position);
        }
        return new Replayed(results.size(), artifacts.size());
    }

    /**
     * Copies every result and artefact of {@code layout} into this (new) journal, so a store
     * written before journals existed, or whose journal was unusable, is covered from now on.
     *
     * @return how many records were written
     */
    int seedFrom(StoreLayout layout) throws IOException {
        int records = 0;
        for (String keyHex : layout.results.keys()) {
            byte[] result = seedable(layout.results, keyHex);
            byte[] index = seedable(layout.index, keyHex);
            if (result == null || index == null) {
                continue;
            }
            appendResult(keyHex, result, index);
            records++;
        }
        for (String id : layout.artifacts.keys()) {
            byte[] artifact = seedable(layout.artifacts, id);
            if (artifact != null) {
                appendArtifact(id, artifact);
                records++;
            }
        }
        return records;
    }

    /**
     * The encoded envelope under {@code key}, or null if there is none or it belongs to another key
     * or map: copying that into the journal would make a rebuild repeat the mix-up.
     */
    private byte[] seedable(EnvelopeMap map, String key) {
        try {
            return map.getEncoded(key);
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Not copying {} entry {} into journal {}: {}",
                    map.name(),
                    key,
                    file,
                    e.getMessage());
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private long append(byte[] payload) throws IOException {
        long start = channel.size();
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length);
        record.putInt(RECORD_MAGIC).putInt(payload.length).putInt((int) crc.getValue());
        record.put(payload).flip();
        try {
            for (long at = start; record.hasRemaining(); ) {
                at += channel.write(record, at);
            }
            // Data only: the file length that fdatasync also flushes is all the metadata we need.
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(start);
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        return start;
    }

    /** Walks the record headers and cuts the file at the first one that is not whole. */
    private void cutTornTail() throws IOException {
        long size = channel.size();
        long position = HEADER_BYTES;
        while (position < size) {
            long next = nextRecord(position, size);
            if (next < 0) {
                break;
            }
            // Only the last record can be torn by a kill; check its CRC too.
            if (next == size && wholeRecordAt(position, size) == null) {
                break;
            }
            position = next;
        }
        if (position < size) {
            LOG.warn(
                    "Journal {} ends in {} bytes that are not a whole record (a write cut by a"
                            + " kill); cutting them off.",
                    file,
                    size - position);
            truncate(position);
        }
    }

    /** Where the record at {@code position} ends, or -1 if its header is bad or it is cut. */
    private long nextRecord(long position, long size) throws IOException {
        if (size - position < RECORD_HEADER_BYTES) {
            return -1;
        }
        ByteBuffer head = ByteBuffer.wrap(read(channel, position, RECORD_HEADER_BYTES));
        int magic = head.getInt();
        int length = head.getInt();
        long end = position + RECORD_HEADER_BYTES + length;
        if (magic != RECORD_MAGIC || length < 1 || end > size) {
            return -1;
        }
        return end;
    }

    /** The payload of the record at {@code position} if it is whole and its CRC matches. */
    private byte[] wholeRecordAt(long position, long size) throws IOException {
        long end = nextRecord(position, size);
        if (end < 0) {
            return null;
        }
        ByteBuffer head = ByteBuffer.wrap(read(channel, position, RECORD_HEADER_BYTES));
        head.getInt();
        int length = head.getInt();
        int expected = head.getInt();
        byte[] payload = read(channel, position + RECORD_HEADER_BYTES, length);
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue() == expected ? payload : null;
    }

    private static byte[] header() {
        return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(VERSION).array();
    }

    private static String describeHeader(byte[] head) {
        if (Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
            int version = ByteBuffer.wrap(head, MAGIC.length, Integer.BYTES).getInt();
            return "it is journal version "
                    + version
                    + " but this version of Metaforge reads version "
                    + VERSION;
        }
        return "it does not start with a journal header";
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("Journal ends before byte " + (position + length));
            }
        }
        return buffer.array();
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("a field claims " + length + " bytes");
        }
        return in.readNBytes(length);
    }

    /** Moves an unusable journal to {@code <journal>.corrupt-<UTC time>}. */
    static Path moveAside(Path file) throws IOException {
        Path target = Quarantine.asideName(file);
        Files.move(file, target);
        return target;
    }

    /** The file is not a journal this version can read. */
    static final class BadHeader extends IOException {
        private static final long serialVersionUID = 1L;

        BadHeader(String reason) {
            super(reason);
        }
    }
}
