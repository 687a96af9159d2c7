package org.metaforge.framework.trial;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.ResultCodec;
import org.metaforge.framework.run.RunRecord;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.framework.run.TrialStore;
import org.metaforge.sdk.run.RunFailedException;
import org.metaforge.store.CacheKey;
import org.metaforge.store.Envelope;

/**
 * The worker's end of the conversation with its parent, over the worker's standard input (from the
 * parent) and standard output (to the parent), in {@link Frame}s.
 *
 * <ol>
 *   <li>The parent sends {@code TRIAL [spec JSON]}; after the worker's answer (step 3) it may send
 *       the next trial, or close the worker's input to let it exit.
 *   <li>The worker sends store requests, one at a time, each answered by {@code OK [value]}, {@code
 *       NONE []} or {@code ERROR [message]}: {@code GET_RESULT [key JSON]}, {@code PUT_RESULT [key
 *       JSON, envelope, summary JSON]}, {@code GET_ARTIFACT [key hex, name]}, {@code PUT_ARTIFACT
 *       [key JSON, name, bytes]}, {@code GET_CHECKPOINT [key JSON, name]}, {@code PUT_CHECKPOINT
 *       [key JSON, name, bytes]}, {@code DELETE_CHECKPOINTS [key JSON]}. Keys travel as their
 *       canonical JSON, so the parent rebuilds the very key ({@link CacheKey#parse}).
 *   <li>The worker ends with {@code DONE [record envelope]} (exit 0), {@code FAILED [message]} (the
 *       trial failed; exit 3) or {@code BAD_INPUT [message]} (exit 2).
 * </ol>
 *
 * <p>A worker runs its trials one after another, like the parent would in process, so its JVM,
 * plugins and engine start once. Its logs go to its standard error, which the parent forwards. When
 * the parent dies its end of the pipe closes: a worker in the middle of a trial sees the end of its
 * input and halts at once (exit 4), an idle one exits, so no worker outlives a parent killed with
 * SIGKILL.
 */
public final class TrialChannel {

    static final String TRIAL = "TRIAL";
    static final String GET_RESULT = "GET_RESULT";
    static final String PUT_RESULT = "PUT_RESULT";
    static final String GET_ARTIFACT = "GET_ARTIFACT";
    static final String PUT_ARTIFACT = "PUT_ARTIFACT";
    static final String GET_CHECKPOINT = "GET_CHECKPOINT";
    static final String PUT_CHECKPOINT = "PUT_CHECKPOINT";
    static final String DELETE_CHECKPOINTS = "DELETE_CHECKPOINTS";
    static final String OK = "OK";
    static final String NONE = "NONE";
    static final String ERROR = "ERROR";
    static final String DONE = "DONE";
    static final String FAILED = "FAILED";
    static final String BAD_INPUT = "BAD_INPUT";

    /** The exit code of a worker whose parent went away. */
    static final int ORPHANED = 4;

    private final DataInputStream in;
    private final DataOutputStream out;
    private final BlockingQueue<Frame> replies = new LinkedBlockingQueue<>();

    /** The input's end, as the watcher hands it on. */
    private static final Frame END = new Frame("END", java.util.List.of());

    /** Whether a trial is running (between its TRIAL frame and the worker's answer). */
    private volatile boolean busy;

    private final Runnable parentGone;

    /**
     * A channel over the given streams.
     *
     * @param parentGone what to do when the parent's end closes before the trial finished
     */
    TrialChannel(InputStream in, OutputStream out, Runnable parentGone) {
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        this.parentGone = parentGone;
    }

    /**
     * The channel over this process's standard input and output. From here on {@code System.out}
     * prints to standard error, so nothing but frames reaches the parent's end.
     */
    public static TrialChannel overStandardStreams() {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        return new TrialChannel(
                new FileInputStream(FileDescriptor.in),
                stdout,
                () -> {
                    System.err.println("metaforge trial: the parent process is gone; stopping.");
                    System.err.flush();
                    // no shutdown hooks: nothing of this worker is worth keeping without its parent
                    Runtime.getRuntime().halt(ORPHANED);
                });
    }

    /**
     * Reads the trial spec the parent sends first, then watches the input for the parent's replies
     * and for its end.
     *
     * @return the spec, or empty if the parent closed the channel without sending one (a worker
     *     started ahead that was not needed)
     * @throws BadInputException if the first message is not a readable trial spec
     */
    public Optional<TrialSpec> receiveSpec() throws BadInputException {
        Frame first;
        try {
            first = Frame.read(in);
        } catch (IOException e) {
            throw new BadInputException(
                    "The trial spec on standard input is not a frame: " + e.getMessage(), e);
        }
        if (first == null) {
            return Optional.empty();
        }
        if (!first.op().equals(TRIAL) || first.parts().size() != 1) {
            throw new BadInputException(
                    "'metaforge trial --channel' expects its parent to send a trial spec first;"
                            + " run 'metaforge trial SPEC.json' to run a spec file by hand.");
        }
        busy = true;
        TrialSpec spec = TrialSpec.fromJson(first.parts().get(0), "the parent's message");
        Thread watcher = new Thread(this::watch, "metaforge-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        return Optional.of(spec);
    }

    /**
     * The next trial's spec, once the previous one was answered.
     *
     * @return the spec, or empty if the parent closed the channel: no more trials
     * @throws BadInputException if the parent sent something else
     */
    public Optional<TrialSpec> nextSpec() throws BadInputException {
        Frame f;
        try {
            f = replies.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (f == END) {
            return Optional.empty();
        }
        if (!f.op().equals(TRIAL) || f.parts().size() != 1) {
            throw new BadInputException("Expected the next trial from the parent, got " + f.op());
        }
        return Optional.of(TrialSpec.fromJson(f.parts().get(0), "the parent's message"));
    }

    private void watch() {
        try {
            for (Frame f = Frame.read(in); f != null; f = Frame.read(in)) {
                if (f.op().equals(TRIAL)) {
                    busy = true;
                }
                replies.add(f);
            }
        } catch (IOException e) {
            // a broken pipe ends the conversation like a closed one
        }
        if (busy) {
            parentGone.run();
        }
        replies.add(END);
    }

    /** The store as the parent serves it. */
    public TrialStore store() {
        return new ChannelStore();
    }

    /** Sends the trial's record; the conversation ends. */
    public void done(RunRecord record) throws IOException {
        finish(Frame.of(DONE, ResultCodec.envelope("trial-result", record).encode()));
    }

    /** Says the trial failed; the conversation ends. */
    public void failed(String message) throws IOException {
        finish(Frame.of(FAILED, message));
    }

    /** Says the trial spec was refused; the conversation ends. */
    public void badInput(String message) throws IOException {
        finish(Frame.of(BAD_INPUT, message));
    }

    private synchronized void finish(Frame f) throws IOException {
        // before the answer: the parent sends the next trial only after reading it
        busy = false;
        f.write(out);
    }

    private synchronized Frame request(Frame f) {
        try {
            f.write(out);
            Frame reply = replies.take();
            if (reply == END) {
                parentGone.run();
                throw new RunFailedException("The parent process is gone.");
            }
            if (reply.op().equals(ERROR)) {
                throw new RunFailedException(
                        "The parent could not serve " + f.op() + ": " + reply.text(0));
            }
            return reply;
        } catch (IOException e) {
            throw new RunFailedException(
                    "Lost the channel to the parent process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunFailedException("Interrupted while waiting for the parent process.", e);
        }
    }

    private static Optional<byte[]> value(Frame reply) {
        return reply.op().equals(NONE) ? Optional.empty() : Optional.of(reply.parts().get(0));
    }

    /** Store calls as requests to the parent. */
    private final class ChannelStore implements TrialStore {

        @Override
        public void open() {
            // the parent opened the store before starting this worker
        }

        @Override
        public Optional<Envelope> result(CacheKey key) {
            return value(request(Frame.of(GET_RESULT, key.canonicalJson()))).map(Envelope::decode);
        }

        @Override
        public void putResult(CacheKey key, Envelope result, Map<String, String> summary) {
            request(
                    Frame.of(
                            PUT_RESULT,
                            key.canonicalJson(),
                            result.encode(),
                            TrialStoreServer.summaryJson(summary)));
        }

        @Override
        public Optional<byte[]> artifact(String keyHex, String name) {
            return value(request(Frame.of(GET_ARTIFACT, keyHex, name)));
        }

        @Override
        public void putArtifact(CacheKey key, String name, byte[] bytes) {
            request(Frame.of(PUT_ARTIFACT, key.canonicalJson(), name, bytes));
        }

        @Override
        public Optional<byte[]> checkpoint(CacheKey key, String name) {
            return value(request(Frame.of(GET_CHECKPOINT, key.canonicalJson(), name)));
        }

        @Override
        public void putCheckpoint(CacheKey key, String name, byte[] bytes) {
            request(Frame.of(PUT_CHECKPOINT, key.canonicalJson(), name, bytes));
        }

        @Override
        public void deleteCheckpoints(CacheKey key) {
            request(Frame.of(DELETE_CHECKPOINTS, key.canonicalJson()));
        }
    }

    /** Decodes the record of a {@code DONE} frame. */
    static RunRecord record(Frame done) {
        return ResultCodec.decode(Envelope.decode(done.parts().get(0)));
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
