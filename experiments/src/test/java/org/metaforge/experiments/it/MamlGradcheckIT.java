package org.metaforge.experiments.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metaforge gradcheck} on baselines/maml: the exact (second-order) meta-gradient, through
 * two inner SGD steps with batch-norm on batch statistics, against central finite differences of
 * the query loss in float64 (every one of the tiny net's 159 coordinates, normwise, and 12 random
 * directions). The oracle evaluates the objective with first-order gradients only. Tolerance: 1e-6
 * relative.
 */
class MamlGradcheckIT {

    private static final String SPEC = "experiments/specs/maml-gradcheck.yaml";

    @Test
    void secondOrderMetaGradientAgreesWithFiniteDifferences(@TempDir Path dir) throws Exception {
        Cli.Result r = gradcheck(dir, "1e-6");
        assertEquals(0, r.exit(), r.all());
        Matcher m =
                Pattern.compile("max relative error (\\S+) over 13 derivatives").matcher(r.out());
        assertTrue(m.find(), r.out());
        double worst = Double.parseDouble(m.group(1));
        assertTrue(worst <= 1e-6, "max relative error " + worst);
    }

    private static Cli.Result gradcheck(Path dir, String tolerance) throws Exception {
        String file = Cli.repo().resolve(SPEC).toString();
        return Cli.run(
                dir, "gradcheck", file, "--steps", "2", "--tolerance", tolerance, "--threads", "1");
    }
}
