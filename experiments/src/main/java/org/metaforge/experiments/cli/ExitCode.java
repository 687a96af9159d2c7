package org.metaforge.experiments.cli;

/** The command's exit codes (DESIGN.md section 6). */
final class ExitCode {
    /** Done. */
    static final int OK = 0;

    /** A bug: an unexpected exception (printed with its stack trace). */
    static final int BUG = 1;

    /** Bad input: spec, arguments, data, plugin jars, store. */
    static final int BAD_INPUT = 2;

    /** The run itself failed, e.g. diverged. */
    static final int RUN_FAILED = 3;

    private ExitCode() {}
}
