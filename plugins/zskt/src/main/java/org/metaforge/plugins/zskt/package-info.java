/**
 * Zero-shot knowledge transfer by adversarial belief matching (Micaelli and Storkey 2019), its
 * few-shot comparators (KD, KD with attention transfer, no teacher) and transition curves.
 */
package org.metaforge.plugins.zskt;
