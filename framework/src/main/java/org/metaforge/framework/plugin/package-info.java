/** The PF4J host: loads plugin jars safely and registers their components by stable id. */
package org.metaforge.framework.plugin;
