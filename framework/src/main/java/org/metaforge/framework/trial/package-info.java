/**
 * Trials in worker processes: the parent-child channel, the task files, the local process executor.
 */
package org.metaforge.framework.trial;
