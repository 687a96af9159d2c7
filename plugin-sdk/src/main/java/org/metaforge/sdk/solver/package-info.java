/** Fixed-point solving: the result type shared by the {@code Solver} extension point. */
package org.metaforge.sdk.solver;
