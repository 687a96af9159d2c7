package org.metaforge.plugins.zskt;

import org.pf4j.Extension;

/**
 * {@code zskt/scratch}: The student trained from scratch on the same M real images per class,
 * without the teacher's outputs.
 */
@Extension
public class ScratchDistiller extends FewShotDistiller {

    @Override
    public String name() {
        return "scratch";
    }

    @Override
    public String description() {
        return "The student trained from scratch on the same M real images per class, without the teacher's outputs.";
    }

    @Override
    double alpha(FewShotConfig c) {
        return 0;
    }

    @Override
    double beta(FewShotConfig c) {
        return 0;
    }
}
