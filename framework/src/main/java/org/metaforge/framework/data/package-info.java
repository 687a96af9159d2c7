/**
 * Datasets on disk: IDX reading, the catalog that finds a dataset by name (explicit directory,
 * {@code $METAFORGE_DATA}, the system's packaged copy, a verified download) and the shipped subset.
 */
package org.metaforge.framework.data;
