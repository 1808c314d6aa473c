package io.smfd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smfd.Deblurrer;
import org.junit.jupiter.api.Test;

/** The targeted model-card extraction behind {@code smfd info}. */
class ModelCardTest {

    @Test
    void summarisesTheBundledCard() {
        String card;
        try (Deblurrer d = Deblurrer.create()) {
            card = d.modelInfo().modelCard();
        }
        String text = String.join("\n", ModelCard.summary(card));
        assertThat(text).contains("name: SMFD-UNet, version ").contains("format smfd-unet/1")
                .contains("classes: 8 (background, skin,").contains("size multiple: 8")
                .contains("metrics: ").contains("licence: ").contains("non-commercial");
    }

    @Test
    void extractsNestedValuesMetricsAndEscapes() {
        String json = "{\"input\": {\"name\": \"in\", \"size_multiple\": 16}, \"name\": \"A \\\"quoted\\\" net\","
                + " \"classes\": [\"bg\", \"skin\"], \"metrics\": {\"psnr\": {\"smfd\": 27.1, \"blurry\": 23.4},"
                + " \"n\": 500}, \"training\": {\"trained\": true}}";
        assertThat(ModelCard.string(json, "name")).isEqualTo("A \"quoted\" net");
        assertThat(ModelCard.raw(json, "input", "size_multiple")).isEqualTo("16");
        assertThat(ModelCard.raw(json, "size_multiple")).isNull();
        assertThat(ModelCard.raw(json, "missing")).isNull();
        String text = String.join("\n", ModelCard.summary(json));
        assertThat(text).contains("classes: 2 (bg, skin)").contains("size multiple: 16")
                .contains("trained: true")
                .contains("metrics: {\"psnr\": {\"smfd\": 27.1, \"blurry\": 23.4}, \"n\": 500}");
        assertThat(String.join("\n", ModelCard.summary("{\"metrics\": null}"))).contains("metrics: not recorded")
                .contains("name: unknown");
    }
}
