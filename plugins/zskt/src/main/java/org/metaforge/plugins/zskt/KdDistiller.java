package org.metaforge.plugins.zskt;

import org.pf4j.Extension;

/**
 * {@code zskt/kd}: Hinton knowledge distillation on M real images per class, no attention transfer.
 */
@Extension
public class KdDistiller extends FewShotDistiller {

    @Override
    public String name() {
        return "kd";
    }

    @Override
    public String description() {
        return "Hinton knowledge distillation on M real images per class, no attention transfer.";
    }

    @Override
    double alpha(FewShotConfig c) {
        return c.alpha();
    }

    @Override
    double beta(FewShotConfig c) {
        return 0;
    }
}
