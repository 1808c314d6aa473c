/**
 * Synthetic degradations (blur, noise, compression) applied to sharp face crops, used to
 * build evaluation data and to reproduce the training distribution.
 *
 * <p>Reserved: contents are being written in a separate issue.
 */
package io.smfd.degrade;
