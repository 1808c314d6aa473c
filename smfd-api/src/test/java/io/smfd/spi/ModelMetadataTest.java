package io.smfd.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.ModelException;
import io.smfd.SmfdException.Reason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-card consistency check of {@link ModelMetadata#fromMetadata}, shared by the onnx and cpu runtimes. */
class ModelMetadataTest {

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
        ModelMetadata expected = ModelMetadata.of("0.1", java.util.List.of("background", "skin", "hair"), 8);
        assertThat(ModelMetadata.fromMetadata(metadata(null))).isEqualTo(expected);
        String card = "  {\"name\": \"SMFD-UNet\", \"format\": \"smfd-unet/1\", \"size_multiple\": 8,\n"
                + "   \"classes\": [\"background\", \"skin\", \"hair\"], \"training\": {\"trained\": true}}  ";
        ModelMetadata withCard = ModelMetadata.fromMetadata(metadata(card));
        assertThat(withCard.modelCard()).isEqualTo(card.trim());
        assertThat(List.of(withCard.version(), withCard.classNames(), withCard.sizeMultiple()))
                .isEqualTo(List.of(expected.version(), expected.classNames(), expected.sizeMultiple()));
        assertThat(expected.modelCard()).isEmpty();
        // keys the card does not declare are not checked
        assertThat(ModelMetadata.fromMetadata(metadata("{\"name\": \"x\"}")).classNames())
                .isEqualTo(expected.classNames());
    }

    @Test
    void modelCardThatIsNotAJsonObjectIsIncompatible() {
        for (String card : new String[] {"[\"format\"]", "smfd-unet/1", "{\"format\": \"smfd-unet/1\"", ""}) {
            assertThatThrownBy(() -> ModelMetadata.fromMetadata(metadata(card)))
                    .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                    .hasMessage("metadata 'smfd.model_card' must be a JSON object" + HINT);
        }
    }

    @Test
    void modelCardContradictingTheFormatIsIncompatible() {
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(metadata("{\"format\": \"smfd-unet/2\"}")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessage("its model card declares format 'smfd-unet/2', expected 'smfd-unet/1'" + HINT);
    }

    @Test
    void modelCardContradictingTheSizeMultipleIsIncompatible() {
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(metadata("{\"size_multiple\": 16}")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessage("its model card declares size_multiple 16 but smfd.size_multiple is 8" + HINT);
    }

    @Test
    void modelCardContradictingTheClassesIsIncompatible() {
        // same names, different order: the channel order matters
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(metadata("{\"classes\": [\"background\", \"hair\", \"skin\"]}")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessage("its model card lists classes [background, hair, skin] but smfd.classes lists"
                        + " [background, skin, hair]" + HINT);
        assertThatThrownBy(() -> ModelMetadata.fromMetadata(metadata("{\"classes\": [\"background\", \"skin\"]}")))
                .isInstanceOf(ModelException.class).hasFieldOrPropertyWithValue("reason", Reason.INCOMPATIBLE_MODEL)
                .hasMessageContaining("model card lists classes [background, skin]");
    }
}
