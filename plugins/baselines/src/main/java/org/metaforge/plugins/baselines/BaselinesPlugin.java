package org.metaforge.plugins.baselines;

import org.pf4j.Plugin;

/** The PF4J entry point of the baselines plugin; its components are its extensions. */
public class BaselinesPlugin extends Plugin {}
