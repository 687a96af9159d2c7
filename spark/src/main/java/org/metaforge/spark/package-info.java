/**
 * The Apache Spark trial executor: a batch of trials as one Spark job, each trial a child process
 * of its task, every store write carried back to the driver, which alone writes the store.
 */
package org.metaforge.spark;
