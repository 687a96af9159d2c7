package org.metaforge.plugins.baselines;

import java.util.List;

/**
 * What the episodic meta-training loop of {@link MetaTraining} reads from the configurations of
 * MAML and Reptile; their records implement it through their accessors.
 */
interface MetaTrainingConfig {

    /** Classes per episode. */
    int ways();

    /** Support images per class. */
    int shots();

    /** Query images per class. */
    int queries();

    /** Tasks (episodes) per outer step. */
    int metaBatch();

    /**
     * Fine-tuning steps on the support set when evaluating (meta-validation and meta-test), of
     * {@link #testOptimizer()}.
     */
    int innerStepsTest();

    /** SGD learning rate of the inner loop and of evaluation fine-tuning. */
    double innerLr();

    /**
     * The optimiser of evaluation fine-tuning on the support set; SGD of {@link #innerLr()} unless
     * a method says otherwise.
     */
    default FineTuneOptimizer testOptimizer() {
        return FineTuneOptimizer.SGD;
    }

    /** The learning rate of evaluation fine-tuning; {@link #innerLr()} unless a method says. */
    default double testLearningRate() {
        return innerLr();
    }

    /** Outer steps. */
    int trainIterations();

    /** Fixed, seeded meta-test episodes. */
    int testEpisodes();

    /** Fixed, seeded meta-validation episodes per evaluation. */
    int validationEpisodes();

    /** Outer steps between meta-validation evaluations. */
    int evalEvery();

    /** Outer steps between checkpoints. */
    int checkpointEvery();

    /** Dataset classes of meta-training and meta-validation. */
    List<Integer> trainClasses();

    /** Dataset classes of meta-testing. */
    List<Integer> testClasses();

    /** Share of the training classes' images held out for meta-validation. */
    double validationFraction();

    /** Channels of each conv block. */
    int channels();

    /** Extra meta-training classes made from the training classes. */
    ClassAugmentation classAugmentation();

    /**
     * Initialisations meta-trained one after the other, each from its own initialisation and
     * training episodes, whose fine-tuned predictions evaluation averages; one unless a method
     * offers more.
     */
    default int ensemble() {
        return 1;
    }

    /** The episode shape. */
    default EpisodeSize episodeSize() {
        return new EpisodeSize(ways(), shots(), queries());
    }
}
