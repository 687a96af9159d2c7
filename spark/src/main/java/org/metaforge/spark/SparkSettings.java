package org.metaforge.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.metaforge.framework.BadInputException;

/**
 * The Spark executor's settings: Spark's own ({@code spark.*}, passed to the {@code SparkConf}) and
 * Metaforge's ({@code spark.metaforge.*}).
 *
 * @param spark Spark settings, {@code spark.master} among them unless spark-submit gives it
 * @param home {@code spark.metaforge.home}: a metaforge distribution installed at the same path on
 *     every executor, whose {@code bin/metaforge} runs the trials; null runs them with the driver's
 *     java and class path (right for a local master, or a cluster sharing the driver's paths)
 * @param plugins {@code spark.metaforge.plugins}: the executors' plugins directory (default {@code
 *     <home>/plugins}; only with {@code home})
 * @param sharedData {@code spark.metaforge.data.shared}: the executors see the driver's temporary
 *     files at the same paths, so the trials' data is not added to the job (default true for a
 *     local master, false otherwise)
 * @param gpu {@code spark.metaforge.gpu}: the cluster's executors offer GPUs, so a GPU trial asks
 *     for one ({@code spark.task.resource.gpu.amount}, default 1)
 */
record SparkSettings(
        Map<String, String> spark, Path home, Path plugins, boolean sharedData, boolean gpu) {

    static final String PREFIX = "spark.metaforge.";

    /**
     * Reads the settings.
     *
     * @param conf the {@code --spark-conf} pairs and {@code spark.master}
     * @param submitted Spark settings spark-submit passed as system properties (Spark reads its own
     *     from there; the {@code spark.metaforge.*} ones count unless {@code conf} has them)
     * @throws BadInputException naming every unknown or malformed setting
     */
    static SparkSettings parse(Map<String, String> conf, Map<String, String> submitted)
            throws BadInputException {
        Map<String, String> spark = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Path home = null;
        Path plugins = null;
        Boolean shared = null;
        boolean gpu = false;
        // spark-submit --conf spark.metaforge.* arrives as system properties; --spark-conf wins
        Map<String, String> all = new LinkedHashMap<>();
        submitted.forEach(
                (k, v) -> {
                    if (k.startsWith(PREFIX)) {
                        all.put(k, v);
                    }
                });
        all.putAll(conf);
        for (Map.Entry<String, String> e : all.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case PREFIX + "home" -> home = Path.of(v);
                case PREFIX + "plugins" -> plugins = Path.of(v);
                case PREFIX + "data.shared" -> shared = bool(k, v, problems);
                case PREFIX + "gpu" -> gpu = bool(k, v, problems);
                default -> {
                    if (k.startsWith(PREFIX)) {
                        problems.add(
                                "unknown setting "
                                        + k
                                        + " (known: spark.metaforge.home, spark.metaforge.plugins,"
                                        + " spark.metaforge.data.shared, spark.metaforge.gpu)");
                    } else if (!k.startsWith("spark.")) {
                        problems.add(k + " is not a Spark setting (spark.*)");
                    } else {
                        spark.put(k, v);
                    }
                }
            }
        }
        String master = spark.getOrDefault("spark.master", submitted.get("spark.master"));
        if (master == null || master.isBlank()) {
            problems.add(
                    "no master: give --spark-master, e.g. local[2] or spark://host:7077, or start"
                            + " metaforge with spark-submit --master");
        }
        if (plugins != null && home == null) {
            problems.add("spark.metaforge.plugins needs spark.metaforge.home");
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(
                    "Invalid settings of the Spark executor:\n  - "
                            + String.join("\n  - ", problems));
        }
        boolean local = master.startsWith("local");
        if (home != null && plugins == null) {
            plugins = home.resolve("plugins");
        }
        return new SparkSettings(spark, home, plugins, shared == null ? local : shared, gpu);
    }

    private static boolean bool(String key, String v, List<String> problems) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        problems.add(key + " " + v + " is not true or false");
        return false;
    }

    /**
     * The command that starts a worker on an executor.
     *
     * @param driverCommand the driver's own worker command (its java, class path, plugins and
     *     {@code --threads})
     */
    List<String> workerCommand(List<String> driverCommand) {
        if (home == null) {
            return driverCommand;
        }
        List<String> cmd =
                new ArrayList<>(
                        List.of(home.resolve("bin").resolve("metaforge").toString(), "trial"));
        cmd.add("--channel");
        // the trials' thread count, part of their keys: the runner starts its engine with it
        int t = driverCommand.indexOf("--threads");
        if (t >= 0 && t + 1 < driverCommand.size()) {
            cmd.addAll(driverCommand.subList(t, t + 2));
        }
        cmd.addAll(List.of("--plugins", plugins.toString()));
        return cmd;
    }
}
