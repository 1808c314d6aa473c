package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import io.smfd.spi.ModelProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ModelProvider} seam: found with ServiceLoader, and each failure mapped to a specific ModelException. */
class BundledModelAccessTest {

    @TempDir
    Path tmp;

    @Test
    void noProviderIsModelNotFoundWithAHint() {
        // smfd-api's own test class path has no io.smfd:smfd-model
        assertThat(BundledModelAccess.find(BundledModelAccess.loaders())).isNull();
        assertThatThrownBy(BundledModelAccess::onnxBytes).isInstanceOf(ModelException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.MODEL_NOT_FOUND)
                .hasMessageContaining("add io.smfd:smfd-model").hasMessageContaining("model(path)");
        assertThatThrownBy(BundledModelAccess::sha256).isInstanceOf(ModelException.class)
                .hasFieldOrPropertyWithValue("reason", Reason.MODEL_NOT_FOUND);
        assertThat(BundledModelAccess.modelCardJson()).isEmpty();
    }

    @Test
    void providerRegisteredInMetaInfServicesIsUsed() throws IOException {
        List<ClassLoader> loaders = List.of(registering(Good.class));
        assertThat(BundledModelAccess.find(loaders)).isInstanceOf(Good.class);
        assertThat(BundledModelAccess.onnxBytes(loaders)).containsExactly(7, 8, 9);
        assertThat(BundledModelAccess.modelCardJson(loaders)).contains("{\"name\": \"Good\"}");
        // the same provider seen through two loaders counts once
        ClassLoader again = registering(Good.class);
        assertThat(BundledModelAccess.find(List.of(loaders.get(0), again))).isInstanceOf(Good.class);
    }

    @Test
    void providerWithoutItsModelIsModelNotFound() throws IOException {
        assertThatThrownBy(() -> BundledModelAccess.onnxBytes(List.of(registering(Empty.class))))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.MODEL_NOT_FOUND)
                .hasMessageContaining("resource is missing");
    }

    @Test
    void failingProviderIsCorruptModelWithItsMessage() throws IOException {
        assertThatThrownBy(() -> BundledModelAccess.onnxBytes(List.of(registering(Corrupt.class))))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL)
                .hasMessageContaining("SHA-256 mismatch").hasMessageContaining("re-download io.smfd:smfd-model")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> BundledModelAccess.onnxBytes(List.of(registering(Unreadable.class))))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.CORRUPT_MODEL)
                .hasCauseInstanceOf(UncheckedIOException.class);
    }

    @Test
    void brokenOrDuplicateProvidersAreIncompatible() throws IOException {
        assertThatThrownBy(() -> BundledModelAccess.onnxBytes(List.of(registering(BrokenConstructor.class))))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("smfd-model version matching smfd-api");
        assertThatThrownBy(() -> BundledModelAccess.onnxBytes(List.of(registering(Good.class, Empty.class))))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("Several bundled SMFD models").hasMessageContaining(Good.class.getName())
                .hasMessageContaining(Empty.class.getName());
        // the card is optional information: a lookup failure gives no card rather than an exception
        assertThat(BundledModelAccess.modelCardJson(List.of(registering(BrokenConstructor.class)))).isEmpty();
    }

    @Test
    void firstLoaderWithAProviderWins() throws IOException {
        // a broken registration seen only by a later loader (e.g. a second copy on the context class path) is
        // ignored once a provider was found; a broken one before a good one does not hide it either
        ClassLoader good = registering(Good.class);
        ClassLoader broken = registering(BrokenConstructor.class);
        assertThat(BundledModelAccess.find(List.of(good, broken))).isInstanceOf(Good.class);
        assertThat(BundledModelAccess.find(List.of(broken, good))).isInstanceOf(Good.class);
        assertThat(BundledModelAccess.find(List.of(registering(Empty.class), good))).isInstanceOf(Empty.class);
    }

    /** A loader that sees the test classes and a META-INF/services file naming {@code providers}. */
    private ClassLoader registering(Class<?>... providers) throws IOException {
        StringBuilder names = new StringBuilder("# test registration\n");
        for (Class<?> c : providers) {
            names.append(c.getName()).append('\n');
        }
        Path dir = Files.createTempDirectory(tmp, "services");
        Path file = Files.writeString(dir.resolve(ModelProvider.class.getName()), names, StandardCharsets.UTF_8);
        URL url = file.toUri().toURL();
        return new ClassLoader(BundledModelAccessTest.class.getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.equals("META-INF/services/" + ModelProvider.class.getName())
                        ? Collections.enumeration(List.of(url)) : super.getResources(name);
            }
        };
    }

    /** Serves a three-byte model. */
    public static class Good implements ModelProvider {
        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public byte[] onnxBytes() {
            return new byte[] {7, 8, 9};
        }

        @Override
        public String sha256() {
            return "ab".repeat(32);
        }

        @Override
        public Optional<String> modelCardJson() {
            return Optional.of("{\"name\": \"Good\"}");
        }
    }

    /** A jar that lost its model resource. */
    public static final class Empty extends Good {
        @Override
        public boolean isAvailable() {
            return false;
        }
    }

    /** A model that fails its checksum. */
    public static final class Corrupt extends Good {
        @Override
        public byte[] onnxBytes() {
            throw new IllegalStateException("bundled model SHA-256 mismatch: expected ab.. but the model hashes to cd..");
        }
    }

    /** A model that cannot be read. */
    public static final class Unreadable extends Good {
        @Override
        public byte[] onnxBytes() {
            throw new UncheckedIOException(new IOException("disk gone"));
        }
    }

    /** Cannot be instantiated. */
    public static final class BrokenConstructor extends Good {
        public BrokenConstructor() {
            throw new IllegalStateException("cannot construct");
        }
    }
}
