package org.metaforge.framework.trial;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One message between a trial worker and its parent: an operation name and byte strings.
 *
 * <p>On the wire: {@code int32} byte count of the rest, the operation ({@code
 * DataOutput.writeUTF}), {@code int32} number of parts, then each part as {@code int32} length and
 * bytes; big-endian. See {@link TrialChannel} for the conversation.
 *
 * @param op the operation, e.g. {@code GET_RESULT}
 * @param parts its arguments
 */
public record Frame(String op, List<byte[]> parts) {

    /** Largest frame accepted (a model's weights fit; a corrupt length does not). */
    static final int MAX_BYTES = 1 << 30;

    /** A frame of UTF-8 text parts and byte parts. */
    public static Frame of(String op, Object... parts) {
        List<byte[]> p = new ArrayList<>();
        for (Object o : parts) {
            p.add(o instanceof byte[] b ? b : o.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new Frame(op, p);
    }

    /** Part {@code i} as UTF-8 text. */
    public String text(int i) {
        return new String(parts.get(i), StandardCharsets.UTF_8);
    }

    /** Writes and flushes this frame. */
    public void write(DataOutputStream out) throws IOException {
        byte[] op = this.op.getBytes(StandardCharsets.UTF_8);
        long size = 2L + op.length + 4;
        for (byte[] p : parts) {
            size += 4L + p.length;
        }
        if (size > MAX_BYTES) {
            throw new IOException("Frame " + this.op + " of " + size + " bytes is too large.");
        }
        out.writeInt((int) size);
        out.writeUTF(this.op);
        out.writeInt(parts.size());
        for (byte[] p : parts) {
            out.writeInt(p.length);
            out.write(p);
        }
        out.flush();
    }

    /**
     * Reads one frame.
     *
     * @return the frame, or null if the stream ended cleanly before it
     * @throws IOException if the stream ends inside a frame or holds no frame
     */
    public static Frame read(DataInputStream in) throws IOException {
        int size;
        try {
            size = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (size < 6 || size > MAX_BYTES) {
            throw new IOException("Not a frame: length " + size + ".");
        }
        String op = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > size) {
            throw new IOException("Not a frame: " + n + " parts.");
        }
        List<byte[]> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len < 0 || len > size) {
                throw new IOException("Not a frame: part of " + len + " bytes.");
            }
            byte[] b = new byte[len];
            in.readFully(b);
            parts.add(b);
        }
        return new Frame(op, parts);
    }
}
