package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.BackendStatus;
import io.smfd.BackendUnavailableException;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.fakes.FakeProviders;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.ModelSource;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendSelectorTest {

    private static final String SERVICES = "META-INF/services/" + DeblurBackendProvider.class.getName();
    private static final BackendConfig CONFIG = BackendConfig.of(Device.AUTO, 1, DefaultDeblurrerTest.MODEL);

    @TempDir
    Path tmp;

    @AfterEach
    void clearProperty() {
        System.clearProperty(Deblurrer.BACKEND_PROPERTY);
    }

    /** A loader that sees exactly the listed providers (classes still come from the test class path). */
    private ClassLoader only(String... providerClassNames) throws IOException {
        Path file = tmp.resolve("services-" + System.nanoTime());
        Files.write(file, String.join("\n", providerClassNames).getBytes(StandardCharsets.UTF_8));
        URL url = file.toUri().toURL();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return SERVICES.equals(name) ? Collections.enumeration(List.of(url)) : super.getResources(name);
            }
        };
    }

    private static String high() {
        return FakeProviders.High.class.getName();
    }

    private static String low() {
        return FakeProviders.Low.class.getName();
    }

    @Test
    void twoProvidersHighestPriorityWinsRegardlessOfOrder() throws IOException {
        try (Deblurrer d = BackendSelector.open(null, null, CONFIG, List.of(only(low(), high())))) {
            assertThat(d.backendName()).isEqualTo("fake-high");
        }
        try (Deblurrer d = BackendSelector.open(null, null, CONFIG, List.of(only(high(), low())))) {
            assertThat(d.backendName()).isEqualTo("fake-high");
        }
    }

    @Test
    void builderNameOverridesPriority() throws IOException {
        try (Deblurrer d = BackendSelector.open("fake-low", null, CONFIG, List.of(only(high(), low())))) {
            assertThat(d.backendName()).isEqualTo("fake-low");
        }
    }

    @Test
    void propertyOverridesPriorityAndBuilderOverridesProperty() throws IOException {
        ClassLoader loader = only(high(), low());
        try (Deblurrer d = BackendSelector.open(null, "FAKE-LOW ", CONFIG, List.of(loader))) {
            assertThat(d.backendName()).isEqualTo("fake-low");
        }
        try (Deblurrer d = BackendSelector.open("fake-high", "fake-low", CONFIG, List.of(loader))) {
            assertThat(d.backendName()).isEqualTo("fake-high");
        }
        try (Deblurrer d = BackendSelector.open(null, "auto", CONFIG, List.of(loader))) {
            assertThat(d.backendName()).isEqualTo("fake-high");
        }
    }

    @Test
    void brokenProviderDoesNotHideTheOthers() throws IOException {
        ClassLoader loader = only("io.smfd.fakes.DoesNotExist", FakeProviders.BrokenConstructor.class.getName(), low());
        try (Deblurrer d = BackendSelector.open(null, null, CONFIG, List.of(loader))) {
            assertThat(d.backendName()).isEqualTo("fake-low");
        }
        List<BackendSelector.Candidate> found = BackendSelector.discover(List.of(loader), CONFIG);
        assertThat(found).hasSize(3);
        assertThat(found.get(0).name()).isEqualTo("fake-low");
        assertThat(found.subList(1, 3)).allSatisfy(c -> {
            assertThat(c.usable()).isFalse();
            assertThat(c.availability().reason()).startsWith("failed to load");
        });
        assertThat(found.get(1).availability().reason() + found.get(2).availability().reason())
                .contains("DoesNotExist").contains("BrokenConstructor");
    }

    @Test
    void explicitlyNamedUnavailableBackendFailsWithItsReasonNoFallback() throws IOException {
        ClassLoader loader = only(FakeProviders.Unavailable.class.getName(), low());
        assertThatThrownBy(() -> BackendSelector.open("fake-gpu", null, CONFIG, List.of(loader)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("'fake-gpu'")
                .hasMessageContaining("CUDA driver not found")
                .hasMessageContaining("fake-low (priority 100)");
        assertThatThrownBy(() -> BackendSelector.open(null, "fake-gpu", CONFIG, List.of(loader)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("-Dsmfd.backend=fake-gpu")
                .hasMessageContaining("CUDA driver not found");
    }

    @Test
    void unknownNameListsWhatWasFoundAndHintsTheArtifact() throws IOException {
        assertThatThrownBy(() -> BackendSelector.open("onnx", null, CONFIG, List.of(only(low()))))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("'onnx'")
                .hasMessageContaining("was not found")
                .hasMessageContaining("io.smfd:smfd-runtime-onnx")
                .hasMessageContaining("fake-low");
    }

    @Test
    void autoSkipsUnavailableAndThrowingProbes() throws IOException {
        ClassLoader loader = only(FakeProviders.Unavailable.class.getName(),
                FakeProviders.ThrowingProbe.class.getName(), low());
        try (Deblurrer d = BackendSelector.open(null, null, CONFIG, List.of(loader))) {
            assertThat(d.backendName()).isEqualTo("fake-low");
        }
    }

    @Test
    void noneAvailableListsEveryProviderWithItsReason() throws IOException {
        ClassLoader loader = only(FakeProviders.Unavailable.class.getName(), FakeProviders.ThrowingProbe.class.getName());
        assertThatThrownBy(() -> BackendSelector.open(null, null, CONFIG, List.of(loader)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("fake-gpu (priority 300): unavailable: CUDA driver not found")
                .hasMessageContaining("fake-throwing (priority 250): unavailable: probe failed")
                .hasMessageContaining("probe exploded");
    }

    @Test
    void noProviderAtAllSaysWhichArtifactToAdd() {
        ClassLoader empty = new ClassLoader(null) {
        };
        assertThatThrownBy(() -> BackendSelector.open(null, null, CONFIG, List.of(empty)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("add io.smfd:smfd-runtime-onnx (ONNX Runtime) or io.smfd:smfd-runtime-cpu"
                        + " (pure Java) to your dependencies");
    }

    @Test
    void sameProviderVisibleFromTwoLoadersIsListedOnce() throws IOException {
        ClassLoader loader = only(high(), low());
        assertThat(BackendSelector.discover(List.of(loader, loader), CONFIG))
                .extracting(BackendSelector.Candidate::name).containsExactly("fake-high", "fake-low");
    }

    @Test
    void choiceIsLoggedOncePerBackendAndDevice() {
        assertThat(BackendSelector.logOnce("log-once-test", Device.CPU)).isTrue();
        assertThat(BackendSelector.logOnce("log-once-test", Device.CPU)).isFalse();
        assertThat(BackendSelector.logOnce("log-once-test", Device.GPU)).isTrue();
    }

    // --- through the public API with the providers registered in src/test/resources/META-INF/services ---

    @Test
    void publicApiUsesServiceRegistrations() {
        // the fake backends ignore the model; the deblurrer hashes this stand-in file for modelInfo()
        Path model = DefaultDeblurrerTest.MODEL.path().orElseThrow();
        try (Deblurrer d = Deblurrer.builder().model(model).build()) {
            assertThat(d.backendName()).isEqualTo("fake-high");
            assertThat(d.device()).isEqualTo(Device.CPU);
            assertThat(d.modelInfo().sha256()).startsWith("ba7816bf");
        }
        System.setProperty(Deblurrer.BACKEND_PROPERTY, "fake-low");
        try (Deblurrer d = Deblurrer.builder().model(model).build()) {
            assertThat(d.backendName()).isEqualTo("fake-low");
        }
        try (Deblurrer d = Deblurrer.builder().backend("fake-high").threads(2).model(model).build()) {
            assertThat(d.backendName()).isEqualTo("fake-high");
        }
    }

    @Test
    void backendsListsEveryProviderBestFirstIncludingBrokenOnes() {
        List<BackendStatus> all = Deblurrer.backends();
        assertThat(all).extracting(BackendStatus::name)
                .startsWith("fake-gpu", "fake-throwing", "fake-high", "fake-low");
        assertThat(all.get(0).available()).isFalse();
        assertThat(all.get(0).reason()).isEqualTo("CUDA driver not found");
        assertThat(all.get(2).available()).isTrue();
        assertThat(all).filteredOn(s -> s.reason().startsWith("failed to load")).hasSize(2);
    }
}
