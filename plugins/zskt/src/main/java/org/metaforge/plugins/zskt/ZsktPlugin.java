package org.metaforge.plugins.zskt;

import org.pf4j.Plugin;

/** The PF4J entry point of the zskt plugin; its components are its extensions. */
public class ZsktPlugin extends Plugin {}
