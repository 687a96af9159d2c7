/** What a running component sees of the outside world, and what it hands back. */
package org.metaforge.sdk.run;
