/** The survey's baseline methods: SGD under hand-set schedules, and random-search HPO. */
package org.metaforge.plugins.baselines;
