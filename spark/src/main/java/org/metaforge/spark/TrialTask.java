package org.metaforge.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One trial as a Spark task receives it: the spec and how to run it, its data files, the artefacts
 * it may read.
 *
 * @param index the job's position in its batch
 * @param name how logs name the trial
 * @param spec the trial spec's JSON; its data files are absolute paths, or, when {@code shipped},
 *     names to look up with {@code SparkFiles.get}
 * @param shipped whether the data files were added to the Spark job ({@code SparkContext.addFile})
 * @param command starts {@code metaforge trial --channel} on the executor
 * @param snapshot artefacts by {@code <key hex>/<name>}, see {@link TaskStore}
 */
record TrialTask(
        int index,
        String name,
        byte[] spec,
        boolean shipped,
        List<String> command,
        Map<String, byte[]> snapshot)
        implements Serializable {}
