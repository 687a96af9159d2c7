/**
 * The embedded result, artifact and checkpoint store: MapDB behind a small interface.
 *
 * <p>Entry point {@link org.metaforge.store.ResultStore}; keys are {@link
 * org.metaforge.store.CacheKey}s, values versioned {@link org.metaforge.store.Envelope}s.
 */
package org.metaforge.store;
