/** The {@code metaforge} command: verbs, options, exit codes and messages for people. */
package org.metaforge.experiments.cli;
