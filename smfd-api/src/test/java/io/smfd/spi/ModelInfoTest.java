package io.smfd.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.IncompatibleModelException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-card consistency check of {@link ModelInfo#fromMetadata}, shared by the onnx and cpu runtimes. */
class ModelInfoTest {

    private static final String HINT = ". Use the bundled model (io.smfd:smfd-model) or an ONNX file exported by"
            + " training/export.py.";

    private static Map<String, String> metadata(String card) {
        Map<String, String> m = new HashMap<>();
        m.put("smfd.format", "smfd-unet/1");
        m.put("smfd.version", "0.1");
        m.put("smfd.classes", "background, skin,hair");
        m.put("smfd.size_multiple", "8");
        if (card != null) {
            m.put("smfd.model_card", card);
        }
        return m;
    }

    @Test
    void consistentOrAbsentModelCardIsAccepted() {
        ModelInfo expected = ModelInfo.of("0.1", java.util.List.of("background", "skin", "hair"), 8);
        assertThat(ModelInfo.fromMetadata(metadata(null))).isEqualTo(expected);
        String card = "  {\"name\": \"SMFD-UNet\", \"format\": \"smfd-unet/1\", \"size_multiple\": 8,\n"
                + "   \"classes\": [\"background\", \"skin\", \"hair\"], \"training\": {\"trained\": true}}  ";
        assertThat(ModelInfo.fromMetadata(metadata(card))).isEqualTo(expected);
        // keys the card does not declare are not checked
        assertThat(ModelInfo.fromMetadata(metadata("{\"name\": \"x\"}"))).isEqualTo(expected);
    }

    @Test
    void modelCardThatIsNotAJsonObjectIsIncompatible() {
        for (String card : new String[] {"[\"format\"]", "smfd-unet/1", "{\"format\": \"smfd-unet/1\"", ""}) {
            assertThatThrownBy(() -> ModelInfo.fromMetadata(metadata(card)))
                    .isInstanceOf(IncompatibleModelException.class)
                    .hasMessage("metadata 'smfd.model_card' must be a JSON object" + HINT);
        }
    }

    @Test
    void modelCardContradictingTheFormatIsIncompatible() {
        assertThatThrownBy(() -> ModelInfo.fromMetadata(metadata("{\"format\": \"smfd-unet/2\"}")))
                .isInstanceOf(IncompatibleModelException.class)
                .hasMessage("its model card declares format 'smfd-unet/2', expected 'smfd-unet/1'" + HINT);
    }

    @Test
    void modelCardContradictingTheSizeMultipleIsIncompatible() {
        assertThatThrownBy(() -> ModelInfo.fromMetadata(metadata("{\"size_multiple\": 16}")))
                .isInstanceOf(IncompatibleModelException.class)
                .hasMessage("its model card declares size_multiple 16 but smfd.size_multiple is 8" + HINT);
    }

    @Test
    void modelCardContradictingTheClassesIsIncompatible() {
        // same names, different order: the channel order matters
        assertThatThrownBy(() -> ModelInfo.fromMetadata(metadata("{\"classes\": [\"background\", \"hair\", \"skin\"]}")))
                .isInstanceOf(IncompatibleModelException.class)
                .hasMessage("its model card lists classes [background, hair, skin] but smfd.classes lists"
                        + " [background, skin, hair]" + HINT);
        assertThatThrownBy(() -> ModelInfo.fromMetadata(metadata("{\"classes\": [\"background\", \"skin\"]}")))
                .isInstanceOf(IncompatibleModelException.class)
                .hasMessageContaining("model card lists classes [background, skin]");
    }
}
