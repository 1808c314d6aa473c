/**
 * Implementation details of {@code smfd-api}. Not exported; not part of the public API. The public classes here
 * are public only for {@code io.smfd} and {@code io.smfd.spi} of this module; no other module uses them
 * ({@code InternalPackageTest} fails the build if one does). The bundled model is found through the
 * {@link io.smfd.spi.ModelProvider} service, not by name.
 */
package io.smfd.internal;
