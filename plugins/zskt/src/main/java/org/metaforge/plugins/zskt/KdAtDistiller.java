package org.metaforge.plugins.zskt;

import org.pf4j.Extension;

/**
 * {@code zskt/kd-at}: Hinton knowledge distillation plus attention transfer on M real images per
 * class (the paper's few-shot baseline).
 */
@Extension
public class KdAtDistiller extends FewShotDistiller {

    @Override
    public String name() {
        return "kd-at";
    }

    @Override
    public String description() {
        return "Hinton knowledge distillation plus attention transfer on M real images per class (the paper's few-shot baseline).";
    }

    @Override
    double alpha(FewShotConfig c) {
        return c.alpha();
    }

    @Override
    double beta(FewShotConfig c) {
        return c.beta();
    }
}
