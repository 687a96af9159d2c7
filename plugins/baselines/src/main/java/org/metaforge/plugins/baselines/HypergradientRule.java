package org.metaforge.plugins.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The update of SGD-HD and SGDN-HD (Baydin et al., "Online learning rate adaptation with
 * hypergradient descent", ICLR 2018, section 2): SGD, optionally with Nesterov momentum, whose
 * learning rate follows its own one-step hypergradient.
 *
 * <p>Write the step as {@code theta_t = theta_{t-1} - alpha d_{t-1}}, with the direction {@code d =
 * g} for SGD and {@code d = g + mu v}, {@code v <- mu v + g}, for Nesterov momentum. Then the
 * derivative of the next loss with respect to the learning rate just used is {@code h_t = d
 * f(theta_t) / d alpha = -grad f(theta_t) . d_{t-1}} (for SGD {@code -g_t . g_{t-1}}), and the
 * learning rate moves against it before the step: {@code alpha_t = alpha_{t-1} - beta h_t}. The
 * first step has no previous direction and keeps the initial rate.
 *
 * <p>The state (velocity, previous direction) lives on the manager of the arrays given to the
 * constructor; every call works in place on it. Not thread-safe.
 */
final class HypergradientRule {

    private final double beta;
    private final double mu;
    private final NDArray velocity;
    private final NDArray previous;
    private double alpha;
    private boolean started;
    private double lastHypergradient;

    /**
     * @param velocity the momentum buffer, shaped like the parameters (zeros to start)
     * @param previous the previous direction, shaped like the parameters (any values if not {@code
     *     started})
     */
    HypergradientRule(
            double alpha,
            double beta,
            double mu,
            NDArray velocity,
            NDArray previous,
            boolean started) {
        this.alpha = alpha;
        this.beta = beta;
        this.mu = mu;
        this.velocity = velocity;
        this.previous = previous;
        this.started = started;
    }

    /** {@code -g . d_{t-1}} in float64, or 0 before the first step. */
    double hypergradient(NDArray gradient) {
        if (!started) {
            return 0;
        }
        NDArray g = gradient.toType(DataType.FLOAT64, true);
        NDArray d = previous.toType(DataType.FLOAT64, true);
        NDArray dot = g.mul(d).sum();
        double value = -dot.getDouble();
        g.close();
        d.close();
        dot.close();
        return value;
    }

    /**
     * Adapts the learning rate with the hypergradient at {@code theta}, then steps {@code theta} in
     * place along {@code -alpha d}. Temporaries are created on {@code gradient}'s manager.
     *
     * @param gradient the gradient of the loss at {@code theta} (weight decay included)
     * @return the learning rate this step used
     */
    double step(NDArray theta, NDArray gradient) {
        lastHypergradient = hypergradient(gradient);
        // SGD-HD / SGDN-HD: alpha_t = alpha_{t-1} - beta h_t, before the step that uses it
        alpha -= beta * lastHypergradient;
        velocity.muli(mu).addi(gradient);
        NDArray d = mu == 0 ? gradient : gradient.add(velocity.mul(mu));
        d.copyTo(previous);
        theta.subi(d.mul(alpha));
        started = true;
        return alpha;
    }

    /** The learning rate the next step starts from. */
    double alpha() {
        return alpha;
    }

    /** The hypergradient of the last step (0 for the first). */
    double lastHypergradient() {
        return lastHypergradient;
    }

    /** Whether a previous direction exists. */
    boolean started() {
        return started;
    }
}
