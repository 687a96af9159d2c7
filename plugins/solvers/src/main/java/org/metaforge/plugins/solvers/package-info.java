/**
 * Batched fixed-point solvers for deep-equilibrium models: plain (damped) iteration, Anderson
 * acceleration and limited-memory Broyden, each stopping per sample on an absolute or relative
 * residual and returning each sample's best iterate.
 */
package org.metaforge.plugins.solvers;
