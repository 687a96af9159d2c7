package org.metaforge.sdk.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * An immutable set of labelled images held in host memory.
 *
 * <p>Pixels are floats in [0, 1], stored sample after sample in C×H×W order. Tensors are made per
 * batch with {@link #batch}, on the manager's device. The fingerprint identifies the content and is
 * part of every cache key: subsets and splits derive theirs from the parent's and the chosen
 * indices.
 */
public final class LabeledImages {

    private final String name;
    private final float[] pixels;
    private final int[] labels;
    private final Shape sampleShape;
    private final int numClasses;
    private final String fingerprint;

    /**
     * Wraps the given arrays (not copied: callers must not modify them afterwards).
     *
     * @param name a human-readable name, e.g. {@code fashion-mnist/train}
     * @param pixels {@code labels.length * prod(sampleShape)} floats in [0, 1]
     * @param labels class indices in {@code [0, numClasses)}
     * @param sampleShape the shape of one sample, {@code (C, H, W)}
     * @param numClasses number of classes
     * @param fingerprint content hash (hex)
     */
    public LabeledImages(
            String name,
            float[] pixels,
            int[] labels,
            Shape sampleShape,
            int numClasses,
            String fingerprint) {
        long per = sampleShape.size();
        if ((long) labels.length * per != pixels.length) {
            throw new IllegalArgumentException(
                    name
                            + ": "
                            + labels.length
                            + " labels of shape "
                            + sampleShape
                            + " need "
                            + labels.length * per
                            + " pixels, got "
                            + pixels.length);
        }
        for (int label : labels) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException(
                        name + ": label " + label + " outside [0, " + numClasses + ")");
            }
        }
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.sampleShape = sampleShape;
        this.numClasses = numClasses;
        this.fingerprint = fingerprint;
    }

    /** Human-readable name. */
    public String name() {
        return name;
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }

    /** Shape of one sample, {@code (C, H, W)}. */
    public Shape sampleShape() {
        return sampleShape;
    }

    /** Number of classes. */
    public int numClasses() {
        return numClasses;
    }

    /** Content hash (hex), part of cache keys. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The label of sample {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of the pixels of sample {@code i}, {@code prod(sampleShape)} floats, C-H-W order. */
    public float[] pixels(int i) {
        int per = (int) sampleShape.size();
        float[] out = new float[per];
        System.arraycopy(pixels, i * per, out, 0, per);
        return out;
    }

    /**
     * Makes the tensors of the samples at {@code indices} on {@code manager}'s device.
     *
     * @return {@code (x, y)}: x of shape {@code (B, C, H, W)} float32, y of shape {@code (B,)}
     *     int32
     */
    public NDList batch(NDManager manager, int[] indices) {
        int per = (int) sampleShape.size();
        FloatBuffer x = FloatBuffer.allocate(indices.length * per);
        int[] y = new int[indices.length];
        for (int b = 0; b < indices.length; b++) {
            x.put(pixels, indices[b] * per, per);
            y[b] = labels[indices[b]];
        }
        x.flip();
        long[] dims = new long[sampleShape.dimension() + 1];
        dims[0] = indices.length;
        System.arraycopy(sampleShape.getShape(), 0, dims, 1, sampleShape.dimension());
        NDArray xs = manager.create(x, new Shape(dims));
        NDArray ys = manager.create(y);
        return new NDList(xs, ys);
    }

    /**
     * Copies the whole set once to {@code owner}'s device, so that training loops gather batches
     * there. Prefer it to {@link #batch} in loops: every {@code batch} call goes through a Java
     * buffer that the engine copies into direct memory, which only the garbage collector frees, so
     * resident memory climbs with the number of steps.
     */
    public Tensors upload(NDManager owner) {
        NDList all = batch(owner, 0, size());
        return new Tensors(all.get(0), all.get(1));
    }

    /**
     * The set as two tensors on one device; close it to free them.
     *
     * @param pixels {@code (N, C, H, W)} float32
     * @param labels {@code (N,)} int32
     */
    public record Tensors(NDArray pixels, NDArray labels) implements AutoCloseable {

        /** The samples at {@code indices}, gathered on the device, attached to {@code target}. */
        public NDList batch(NDManager target, int[] indices) {
            NDArray index = target.create(indices);
            NDArray x = pixels.get(new ai.djl.ndarray.index.NDIndex("{}", index));
            NDArray y = labels.get(new ai.djl.ndarray.index.NDIndex("{}", index));
            x.attach(target);
            y.attach(target);
            return new NDList(x, y);
        }

        /** The samples {@code [from, to)}, attached to {@code target}. */
        public NDList batch(NDManager target, int from, int to) {
            NDArray x = pixels.get(new ai.djl.ndarray.index.NDIndex("{}:{}", from, to));
            NDArray y = labels.get(new ai.djl.ndarray.index.NDIndex("{}:{}", from, to));
            x.attach(target);
            y.attach(target);
            return new NDList(x, y);
        }

        @Override
        public void close() {
            pixels.close();
            labels.close();
        }
    }

    /** Consecutive index ranges {@code [from, to)} as a batch. */
    public NDList batch(NDManager manager, int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return batch(manager, idx);
    }

    /** The samples at {@code indices}, in that order, as a new set. */
    public LabeledImages subset(String subsetName, int[] indices) {
        int per = (int) sampleShape.size();
        float[] px = new float[indices.length * per];
        int[] lb = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * per, px, i * per, per);
            lb[i] = labels[indices[i]];
        }
        return new LabeledImages(
                subsetName, px, lb, sampleShape, numClasses, deriveFingerprint(indices));
    }

    /**
     * Splits off a stratified validation part: the same fraction of every class.
     *
     * @param validationFraction in (0, 1)
     * @param seed which split
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in (0, 1), got " + validationFraction);
        }
        Random rng = new Random(seed);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        for (List<Integer> members : byClass) {
            java.util.Collections.shuffle(members, rng);
            int nVal = (int) Math.round(members.size() * validationFraction);
            val.addAll(members.subList(0, nVal));
            train.addAll(members.subList(nVal, members.size()));
        }
        java.util.Collections.sort(train);
        java.util.Collections.sort(val);
        int[] t = train.stream().mapToInt(Integer::intValue).toArray();
        int[] v = val.stream().mapToInt(Integer::intValue).toArray();
        if (t.length == 0 || v.length == 0) {
            throw new IllegalArgumentException(
                    name
                            + " has too few samples ("
                            + size()
                            + ") for a validation fraction of "
                            + validationFraction);
        }
        return new Split(subset(name + "/split-train", t), subset(name + "/split-val", v));
    }

    /**
     * A training part and a validation part of one set.
     *
     * @param train the part to train on
     * @param validation the part to validate on
     */
    public record Split(LabeledImages train, LabeledImages validation) {}

    /** The first bytes of {@link #write}'s form. */
    private static final int MAGIC = 0x4D464931; // "MFI1"

    /**
     * Writes the whole set (name, fingerprint, shape, classes, labels, pixels) in a binary form
     * that {@link #read} restores exactly, e.g. to hand a task to a trial in another process.
     */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeUTF(name);
        out.writeUTF(fingerprint);
        out.writeInt(numClasses);
        long[] dims = sampleShape.getShape();
        out.writeInt(dims.length);
        for (long d : dims) {
            out.writeLong(d);
        }
        out.writeInt(labels.length);
        inChunks(pixels, labels, out::write);
    }

    /**
     * Reads a set written by {@link #write}, with the name and fingerprint it had.
     *
     * @throws IOException if the stream ends early or does not hold such a set
     */
    public static LabeledImages read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a set of labelled images written by LabeledImages.write");
        }
        String name = in.readUTF();
        String fingerprint = in.readUTF();
        int numClasses = in.readInt();
        long[] dims = new long[in.readInt()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = in.readLong();
        }
        Shape shape = new Shape(dims);
        int n = in.readInt();
        if (n < 0 || dims.length > 8) {
            throw new IOException("corrupt header of set " + name);
        }
        int[] labels = new int[n];
        float[] pixels = new float[Math.toIntExact(n * shape.size())];
        byte[] chunk = new byte[1 << 16];
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        for (int i = 0; i < pixels.length; i += chunk.length / 4) {
            int count = Math.min(chunk.length / 4, pixels.length - i);
            in.readFully(chunk, 0, count * 4);
            buf.clear();
            buf.asFloatBuffer().get(pixels, i, count);
        }
        for (int i = 0; i < labels.length; i += chunk.length / 4) {
            int count = Math.min(chunk.length / 4, labels.length - i);
            in.readFully(chunk, 0, count * 4);
            buf.clear();
            buf.asIntBuffer().get(labels, i, count);
        }
        return new LabeledImages(name, pixels, labels, shape, numClasses, fingerprint);
    }

    /** Computes the SHA-256 fingerprint of raw content, for loaders. */
    public static String fingerprintOf(float[] pixels, int[] labels, Shape sampleShape) {
        MessageDigest md = sha256();
        inChunks(pixels, labels, md::update);
        md.update(sampleShape.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /** Receives a chunk of bytes: {@code length} bytes of {@code bytes} from the start. */
    @FunctionalInterface
    private interface ByteSink<E extends Exception> {
        void accept(byte[] bytes, int offset, int length) throws E;
    }

    /** Hands the pixels, then the labels, as big-endian bytes to {@code sink}, in chunks. */
    private static <E extends Exception> void inChunks(
            float[] pixels, int[] labels, ByteSink<E> sink) throws E {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (float p : pixels) {
            if (buf.remaining() < 4) {
                sink.accept(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(p);
        }
        for (int l : labels) {
            if (buf.remaining() < 4) {
                sink.accept(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putInt(l);
        }
        sink.accept(buf.array(), 0, buf.position());
    }

    private String deriveFingerprint(int[] indices) {
        MessageDigest md = sha256();
        md.update(fingerprint.getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(4 * indices.length);
        for (int i : indices) {
            buf.putInt(i);
        }
        md.update(buf.array());
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + size() + " samples of " + sampleShape + ")";
    }
}
