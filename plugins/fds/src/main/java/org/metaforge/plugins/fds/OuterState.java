package org.metaforge.plugins.fds;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the outer loop carries from one outer step to the next; checkpointed after each.
 * Mutable, owned by one run.
 */
final class OuterState {

    /** Format of {@link #encode()}; bump when fields change. */
    private static final int FORMAT = 1;

    int done;
    Schedule schedule;
    final Map<HyperKind, double[]> stepSizes = new EnumMap<>(HyperKind.class);
    final Map<HyperKind, double[]> signs = new EnumMap<>(HyperKind.class);
    final Map<HyperKind, double[]> lastDeltas = new EnumMap<>(HyperKind.class);
    final List<Row> history = new ArrayList<>();

    /**
     * One finished outer step.
     *
     * @param schedule the schedule the inner run used
     * @param hypergradients normalised hypergradients per kind (NaN when not learned or diverged)
     * @param validationLoss outer objective at the end of the inner run
     * @param validationAccuracy accuracy of w_T on the validation part (evaluation mode)
     * @param testAccuracy accuracy of w_T on the task's evaluation set
     * @param divergedAt inner step where the run diverged, or -1
     */
    record Row(
            Schedule schedule,
            Map<HyperKind, double[]> hypergradients,
            double validationLoss,
            double validationAccuracy,
            double testAccuracy,
            long divergedAt) {}

    static OuterState start(ForwardHpoConfig c) {
        OuterState s = new OuterState();
        s.schedule = c.initialSchedule();
        for (HyperKind k : HyperKind.values()) {
            int n = s.schedule.blocks(k);
            double[] sizes = new double[n];
            java.util.Arrays.fill(sizes, c.stepSize(k));
            s.stepSizes.put(k, sizes);
            s.signs.put(k, new double[n]);
            s.lastDeltas.put(k, new double[n]);
        }
        return s;
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(FORMAT);
            out.writeInt(done);
            writeSchedule(out, schedule);
            for (HyperKind k : HyperKind.values()) {
                write(out, stepSizes.get(k));
                write(out, signs.get(k));
                write(out, lastDeltas.get(k));
            }
            out.writeInt(history.size());
            for (Row r : history) {
                writeSchedule(out, r.schedule());
                for (HyperKind k : HyperKind.values()) {
                    write(out, r.hypergradients().get(k));
                }
                out.writeDouble(r.validationLoss());
                out.writeDouble(r.validationAccuracy());
                out.writeDouble(r.testAccuracy());
                out.writeLong(r.divergedAt());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OuterState decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            if (in.readInt() != FORMAT) {
                throw new IllegalStateException("checkpoint of another format");
            }
            OuterState s = new OuterState();
            s.done = in.readInt();
            s.schedule = readSchedule(in);
            for (HyperKind k : HyperKind.values()) {
                s.stepSizes.put(k, read(in));
                s.signs.put(k, read(in));
                s.lastDeltas.put(k, read(in));
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                Schedule sch = readSchedule(in);
                Map<HyperKind, double[]> g = new EnumMap<>(HyperKind.class);
                for (HyperKind k : HyperKind.values()) {
                    g.put(k, read(in));
                }
                s.history.add(
                        new Row(
                                sch,
                                g,
                                in.readDouble(),
                                in.readDouble(),
                                in.readDouble(),
                                in.readLong()));
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSchedule(DataOutputStream out, Schedule s) throws IOException {
        for (HyperKind k : HyperKind.values()) {
            write(out, s.values(k));
        }
    }

    private static Schedule readSchedule(DataInputStream in) throws IOException {
        return new Schedule(read(in), read(in), read(in));
    }

    private static void write(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double d : a) {
            out.writeDouble(d);
        }
    }

    private static double[] read(DataInputStream in) throws IOException {
        double[] a = new double[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }
}
