package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code metaforge gradcheck}: forward-mode hypergradients of fds/forward-hpo against central
 * finite differences of the final validation loss, and fds/greedy-hpo's per-window hypergradients
 * against those of the loss at each window's end; float64, clamps off, 3 learning-rate, 2 momentum
 * and 2 weight-decay blocks, 30 inner steps. Tolerance: 1e-6 relative.
 */
class FdsGradcheckIT {

    @ParameterizedTest
    @CsvSource({
        "fds-gradcheck-mlp.yaml, 7",
        "fds-gradcheck-lenet.yaml, 7",
        "greedy-gradcheck-mlp.yaml, 11"
    })
    void hypergradientsAgreeWithFiniteDifferences(String spec, int derivatives, @TempDir Path dir)
            throws Exception {
        String file = Cli.repo().resolve("experiments/specs/" + spec).toString();
        Cli.Result r =
                Cli.run(
                        dir,
                        "gradcheck",
                        file,
                        "--steps",
                        "30",
                        "--tolerance",
                        "1e-6",
                        "--threads",
                        "1");
        assertEquals(0, r.exit(), r.all());
        Matcher m =
                Pattern.compile("max relative error (\\S+) over " + derivatives + " derivatives")
                        .matcher(r.out());
        assertTrue(m.find(), r.out());
        double worst = Double.parseDouble(m.group(1));
        assertTrue(worst <= 1e-6, "max relative error " + worst);
        for (String name : new String[] {"lr[0]", "lr[2]", "momentum[1]", "weight-decay[1]"}) {
            assertTrue(r.err().contains(name), r.err());
        }
    }

    @Test
    void failsAboveTheTolerance(@TempDir Path dir) throws Exception {
        String tolerance = "1e-30";
        String file = Cli.repo().resolve("experiments/specs/fds-gradcheck-mlp.yaml").toString();
        Cli.Result r =
                Cli.run(
                        dir,
                        "gradcheck",
                        file,
                        "--steps",
                        "30",
                        "--tolerance",
                        tolerance,
                        "--threads",
                        "1",
                        "--set",
                        "learn-momentum=false",
                        "--set",
                        "learn-weight-decay=false");
        assertEquals(3, r.exit(), r.all());
        assertTrue(r.out().contains("FAILED"), r.out());
    }
}
