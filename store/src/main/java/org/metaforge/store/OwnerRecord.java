package org.metaforge.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a store: the content of the {@code <store>.owner} sidecar file.
 *
 * <p>The sidecar only informs; exclusion comes from MapDB's file lock. It is written after the
 * store opens and deleted when it closes; a process killed while holding the store leaves a stale
 * one, which the next opener replaces.
 *
 * @param pid the holding process
 * @param host the host it runs on
 * @param command its command, shortened
 * @param processStart when the process started, ISO-8601, or empty if unknown
 * @param openedAt when it opened the store, ISO-8601
 */
record OwnerRecord(long pid, String host, String command, String processStart, String openedAt) {

    /**
     * A launcher may set this property to a readable command, e.g. {@code metaforge run x.yaml}.
     */
    static final String COMMAND_PROPERTY = "metaforge.command";

    private static final int MAX_COMMAND_LENGTH = 160;
    private static final JsonMapper JSON =
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    static Path sidecarOf(Path store) {
        return store.resolveSibling(store.getFileName() + ".owner");
    }

    /** This process, opening a store now. */
    static OwnerRecord current() {
        ProcessHandle self = ProcessHandle.current();
        return new OwnerRecord(
                self.pid(),
                localHost(),
                shorten(currentCommand(self)),
                self.info().startInstant().map(Instant::toString).orElse(""),
                Instant.now().toString());
    }

    /** Reads a sidecar; empty if it is missing or unreadable (it may be half written). */
    static Optional<OwnerRecord> read(Path sidecar) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(sidecar), OwnerRecord.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes this record to {@code sidecar}, replacing it in one step where the OS allows. */
    void write(Path sidecar) throws IOException {
        Path temp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp-" + pid);
        Files.write(temp, JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8));
        try {
            Files.move(
                    temp,
                    sidecar,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, sidecar, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes {@code sidecar} if it names this process. */
    static void deleteIfOurs(Path sidecar) throws IOException {
        Optional<OwnerRecord> owner = read(sidecar);
        if (owner.isPresent() && owner.get().pid() == ProcessHandle.current().pid()) {
            Files.deleteIfExists(sidecar);
        }
    }

    /** Whether the process named here ran on this host and is gone (its record is stale). */
    boolean hasExited() {
        return host.equals(localHost()) && ProcessHandle.of(pid).isEmpty();
    }

    /** E.g. {@code process 1234 (metaforge run x.yaml) since 2026-01-02T03:04:05Z}. */
    String describe() {
        String where = host.equals(localHost()) ? "" : " on host " + host;
        return "process " + pid + where + " (" + command + ") since " + openedAt;
    }

    private static String currentCommand(ProcessHandle self) {
        String command = System.getProperty(COMMAND_PROPERTY);
        if (command == null || command.isBlank()) {
            // HotSpot's main class (or jar) and arguments: shorter than the full java command line.
            command = System.getProperty("sun.java.command");
        }
        if (command == null || command.isBlank()) {
            command = self.info().commandLine().orElse("unknown command");
        }
        return command;
    }

    private static String shorten(String command) {
        String oneLine = command.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_COMMAND_LENGTH
                ? oneLine
                : oneLine.substring(0, MAX_COMMAND_LENGTH - 3) + "...";
    }

    private static String localHost() {
        // Avoid InetAddress.getLocalHost(): it can wait seconds on DNS.
        try {
            String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!host.isEmpty()) {
                return host;
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: fall back to the environment.
        }
        String host = System.getenv("COMPUTERNAME");
        if (host == null || host.isBlank()) {
            host = System.getenv("HOSTNAME");
        }
        return host == null || host.isBlank() ? "unknown-host" : host;
    }
}
