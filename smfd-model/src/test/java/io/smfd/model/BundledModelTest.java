package io.smfd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.spi.ModelProvider;
import io.smfd.spi.ModelSource;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BundledModelTest {

    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void verifyAcceptsMatchingDigestInSha256sumFormat() {
        assertThatCode(() -> BundledModel.verify(ABC, ABC_SHA256 + "  smfd-unet.onnx\n")).doesNotThrowAnyException();
        assertThatCode(() -> BundledModel.verify(ABC, ABC_SHA256.toUpperCase())).doesNotThrowAnyException();
    }

    @Test
    void verifyRejectsMismatchAndMalformedDigest() {
        String wrong = ABC_SHA256.replace('b', 'c');
        assertThatThrownBy(() -> BundledModel.verify(ABC, wrong))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("mismatch").hasMessageContaining(wrong);
        assertThatThrownBy(() -> BundledModel.verify(ABC, "not-a-digest"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("malformed");
    }

    @Test
    void theCommittedModelIsBundledAndMatchesItsChecksum() {
        // The trained model is committed: its absence is a packaging bug, not a state to tolerate.
        assertThat(BundledModel.isAvailable()).as("io/smfd/model/" + BundledModel.MODEL_RESOURCE + " in this jar").isTrue();
        byte[] model = BundledModel.onnxBytes(); // verifies the SHA-256 resource
        assertThat(model).hasSizeGreaterThan(1_000_000);
        assertThat(BundledModel.modelCardJson()).contains("\"format\": \"smfd-unet/1\"");
    }

    @Test
    void sha256IsTheDigestOfTheVerifiedModel() throws Exception {
        String actual = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(BundledModel.onnxBytes()));
        assertThat(BundledModel.sha256()).isEqualTo(actual);
    }

    @Test
    void theProviderServesTheAssessmentCalibrationFittedToThisModel() {
        String json = new BundledModelProvider().assessmentCalibrationJson().orElseThrow();
        assertThat(json).isEqualTo(BundledModel.assessmentCalibrationJson());
        assertThat(json).contains("\"format\": \"smfd-assess/1\"").contains("\"features\": 119").contains("\"region\"").contains("\"severity_offsets\"").contains("\"noise_gate\"")
                .contains("\"extent_weights\"").contains("\"severity_weights\"").contains("training faces");
    }

    @Test
    void foundByServiceLoaderOnTheClassPath() {
        assertThat(ServiceLoader.load(ModelProvider.class).stream().map(ServiceLoader.Provider::type))
                .containsExactly(BundledModelProvider.class);
        // through smfd-api's public ModelSource, which no longer names this class
        assertThat(ModelSource.bundled().readBytes()).isEqualTo(BundledModel.onnxBytes());
    }

    @Test
    void foundByServiceBindingOnTheModulePath() throws Exception {
        // a module layer of smfd-api, smfd-model and the SLF4J API, resolved from io.smfd.api alone: service
        // binding must pull in io.smfd.model because it provides io.smfd.spi.ModelProvider
        ModuleFinder finder = ModuleFinder.of(location(ModelProvider.class), location(BundledModel.class),
                location(org.slf4j.Logger.class));
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of("io.smfd.api"));
        assertThat(cf.findModule("io.smfd.model")).as("bound as a ModelProvider").isPresent();
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Class<?> source = layer.findLoader("io.smfd.api").loadClass("io.smfd.spi.ModelSource");
        assertThat(source.getModule().getName()).isEqualTo("io.smfd.api");
        Object bundled = source.getMethod("bundled").invoke(null);
        byte[] bytes = (byte[]) source.getMethod("readBytes").invoke(bundled);
        assertThat(bytes).isEqualTo(BundledModel.onnxBytes());
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
