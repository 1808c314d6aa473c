package io.smfd.model.maxim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MaximModelTest {

    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void verifyAcceptsMatchingDigestAndRejectsMismatchOrMalformed() {
        assertThatCode(() -> MaximModel.verify(ABC, ABC_SHA256 + "  maxim-deblurring.onnx\n")).doesNotThrowAnyException();
        String wrong = ABC_SHA256.replace('b', 'c');
        assertThatThrownBy(() -> MaximModel.verify(ABC, wrong))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("mismatch").hasMessageContaining(wrong);
        assertThatThrownBy(() -> MaximModel.verify(ABC, "nope"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("malformed");
    }

    @Test
    void theConvertedModelIsPackagedWithItsChecksumAndCard() throws Exception {
        // The build generates the model before the tests run: its absence is a build bug.
        assertThat(MaximModel.isAvailable()).as("io/smfd/model/maxim/" + MaximModel.MODEL_RESOURCE).isTrue();
        byte[] model = MaximModel.onnxBytes(); // verifies the SHA-256 resource
        assertThat(model).hasSizeGreaterThan(80_000_000); // 22.2 M float32 weights
        assertThat(MaximModel.sha256())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)));
        assertThat(MaximModel.modelCardJson())
                .contains("\"format\": \"maxim-onnx/1\"")
                .contains("081a260dc1ca0827d203f585fcff8826702f9d4c65e023675d3cf7fcf26dbd16")
                .contains("Apache-2.0");
    }
}
