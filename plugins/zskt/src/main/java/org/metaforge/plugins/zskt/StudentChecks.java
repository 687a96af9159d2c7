package org.metaforge.plugins.zskt;

import java.util.List;
import org.metaforge.sdk.config.ConfigProblems;
import org.metaforge.sdk.nn.Network;

/** Checks shared by the zskt configurations' student fields. */
final class StudentChecks {

    private StudentChecks() {}

    static void check(ConfigProblems problems, Network model, List<Integer> hidden, int wrnDepth) {
        if (model == Network.WRN && (wrnDepth - 4) % 6 != 0) {
            problems.add(
                    "student-wrn-depth", wrnDepth + " is not 6n + 4; use 10, 16, 22, 28, 40, ...");
        }
        if (model == Network.MLP && (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1))) {
            problems.add("student-hidden", "widths must be at least 1, got " + hidden);
        }
    }
}
