package org.metaforge.sdk;

import org.metaforge.sdk.run.RunContext;
import org.metaforge.sdk.run.RunResult;
import org.metaforge.sdk.run.Task;

/**
 * A capability of components whose method rests on derivatives they compute themselves: compare
 * them with central finite differences ({@code metaforge gradcheck SPEC}).
 *
 * @param <C> the component's configuration record
 */
public interface GradientChecked<C extends Record> {

    /**
     * Compares every analytic derivative the method uses with a central finite difference, in
     * float64, with clamps and other approximations off.
     *
     * @param steps the horizon to check over (inner steps), as the component interprets it
     * @param epsilon the finite-difference step
     * @return a result whose metric {@code max_relative_error} is the largest relative error, and
     *     whose artifact {@code table} lists every comparison (name, analytic, numeric, error)
     */
    RunResult gradcheck(RunContext context, C config, Task task, int steps, double epsilon);
}
