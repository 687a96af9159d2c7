package org.metaforge.plugins.ldeq;

import org.pf4j.Plugin;

/** The PF4J entry point of the ldeq plugin; its components are its extensions. */
public class LdeqPlugin extends Plugin {}
