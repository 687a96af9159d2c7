package org.metaforge.sdk.metric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as Linux reports it, for benchmarks that compare peaks (e.g. memory
 * at horizon H vs 4H, or 5 vs 20 solver iterations). Native tensors count, unlike the JVM heap's
 * own figures. Elsewhere than on Linux every reading is -1.
 */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ResidentMemory() {}

    /** Peak resident set size in kB since the process started or the last {@link #resetPeak}. */
    public static long peakKb() {
        return field("VmHWM:");
    }

    /** Current resident set size in kB. */
    public static long currentKb() {
        return field("VmRSS:");
    }

    /**
     * Resets the peak to the current resident size (Linux 4.0 and later), so the next {@link
     * #peakKb} is the peak of what ran in between.
     *
     * @return whether the kernel accepted the reset
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
