package org.metaforge.plugins.fds;

import org.pf4j.Plugin;

/** The PF4J entry point of the fds plugin; its components are its extensions. */
public class FdsPlugin extends Plugin {}
