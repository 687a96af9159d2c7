/** Self-describing, self-validating configuration records and their binding from spec values. */
package org.metaforge.sdk.config;
