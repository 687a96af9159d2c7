/** The experiment runner: from a validated spec to a recorded, cached result. */
package org.metaforge.framework.run;
