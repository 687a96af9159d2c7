package org.metaforge.plugins.solvers;

import org.pf4j.Plugin;

/** The PF4J entry point of the solvers plugin; its components are its extensions. */
public class SolversPlugin extends Plugin {}
