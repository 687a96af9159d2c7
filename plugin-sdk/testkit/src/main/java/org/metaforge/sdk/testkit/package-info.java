/**
 * Conformance tests and test doubles for plugin authors: run them from a plugin's own tests against
 * its extensions.
 */
package org.metaforge.sdk.testkit;
