package org.metaforge.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for lock tests: opens the store in {@code args[0]}, prints {@code opened}, holds it
 * until its standard input ends, then closes it and prints {@code closed}.
 */
public final class HoldStoreMain {

    private HoldStoreMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty(OwnerRecord.COMMAND_PROPERTY, "metaforge hold-store-test");
        try (ResultStore store = ResultStore.open(Path.of(args[0]), Duration.ZERO)) {
            store.recoveryNotice().ifPresent(System.err::println);
            System.out.println("opened");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Hold the store until the parent closes our input.
            }
        }
        System.out.println("closed");
        System.out.flush();
    }
}
