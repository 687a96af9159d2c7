/**
 * Synthetic parametric faces and face videos with 98 WFLW-ordered landmarks, pose, expression,
 * lighting, occlusion, blur and noise, generated deterministically from a seed.
 */
package org.metaforge.plugins.ldeq.face;
