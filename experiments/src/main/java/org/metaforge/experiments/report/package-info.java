/**
 * What a finished run leaves on disk: {@code result.json}, one PNG per plot and a self-contained
 * {@code report.html}, written atomically; plus the metrics table printed on the terminal.
 */
package org.metaforge.experiments.report;
