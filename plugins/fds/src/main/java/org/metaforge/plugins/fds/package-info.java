/**
 * Forward-mode, non-greedy hyperparameter optimisation over long horizons (Micaelli and Storkey,
 * NeurIPS 2021): learning-rate, momentum and weight-decay schedules learned through whole runs.
 */
package org.metaforge.plugins.fds;
