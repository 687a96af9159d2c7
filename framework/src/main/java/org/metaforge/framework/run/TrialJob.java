package org.metaforge.framework.run;

import org.metaforge.sdk.run.Task;

/**
 * A trial handed to a {@link TrialExecutor}: its spec (without data files) and its data.
 *
 * @param name how logs and errors name it, e.g. {@code baselines/sgd trial 3 (key 1a2b3c4d5e6f)}
 * @param spec the resolved trial
 * @param task the data, for the executor to ship as it sees fit
 */
public record TrialJob(String name, TrialSpec spec, Task task) {}
