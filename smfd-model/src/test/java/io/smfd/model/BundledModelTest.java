package io.smfd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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
}
