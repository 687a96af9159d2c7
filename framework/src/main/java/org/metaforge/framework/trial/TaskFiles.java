package org.metaforge.framework.trial;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.metaforge.framework.BadInputException;
import org.metaforge.framework.run.TrialSpec;
import org.metaforge.sdk.data.LabeledImages;
import org.metaforge.sdk.run.Task;

/**
 * The data of trials as files that worker processes read: each distinct set of images written once,
 * named by its fingerprint, in a temporary directory deleted by {@link #close()}.
 */
public final class TaskFiles implements AutoCloseable {

    /** Files written on first use, in a temporary directory. */
    public TaskFiles() {}

    private final Map<String, Path> written = new HashMap<>();
    private Path dir;

    /** The spec with its data files, writing those not written yet. */
    public synchronized TrialSpec ship(TrialSpec spec, Task task) {
        return spec.withFiles(file(task.train()).toString(), file(task.eval()).toString());
    }

    private Path file(LabeledImages images) {
        Path f = written.get(images.fingerprint());
        if (f != null) {
            return f;
        }
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("metaforge-tasks-");
            }
            f = dir.resolve(images.fingerprint() + ".images");
            try (DataOutputStream out =
                    new DataOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(f), 1 << 16))) {
                images.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the data of a trial to " + dir, e);
        }
        written.put(images.fingerprint(), f);
        return f;
    }

    /**
     * Reads the task a spec names.
     *
     * @throws BadInputException if a file is missing or unreadable
     */
    public static Task read(TrialSpec spec) throws BadInputException {
        return new Task(
                read(spec.task().train(), spec),
                read(spec.task().eval(), spec),
                spec.task().evalName());
    }

    private static LabeledImages read(TrialSpec.DataRef ref, TrialSpec spec)
            throws BadInputException {
        Path f = Path.of(ref.file());
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            return LabeledImages.read(in);
        } catch (NoSuchFileException e) {
            throw new BadInputException(
                    "The data file " + f + " of trial spec " + spec.name() + " does not exist.", e);
        } catch (IOException e) {
            throw new BadInputException(
                    "The data file "
                            + f
                            + " of trial spec "
                            + spec.name()
                            + " is unreadable: "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public synchronized void close() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
        dir = null;
        written.clear();
    }
}
