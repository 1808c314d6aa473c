/**
 * Implementation details of {@code smfd-api}. Not exported; not part of the public API.
 */
package io.smfd.internal;
