/**
 * Metrics computed from model outputs and targets: classification accuracy, and the landmark
 * metrics (NME, FR/AUC, NMF) on plain coordinate arrays; each returns a plain number.
 */
package org.metaforge.sdk.metric;
