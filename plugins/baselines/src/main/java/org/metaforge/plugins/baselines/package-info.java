/**
 * The survey's baseline methods: SGD under hand-set schedules, random-search HPO, and few-shot
 * learning on seeded N-way K-shot episodes (Prototypical Networks, MAML, Reptile and the
 * support-only floor).
 */
package org.metaforge.plugins.baselines;
