/**
 * How long work shows itself on the console: a progress bar with rate and ETA on a terminal,
 * throttled plain lines when the output goes to a file or a pipe.
 */
package org.metaforge.experiments.console;
