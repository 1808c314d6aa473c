package io.smfd.internal;

import io.smfd.ModelInfo;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the public {@link ModelInfo} from what a backend loaded and where it came from. */
final class ModelInfos {

    /** Name used when the model card has none (every {@code smfd-unet/1} model is an SMFD-UNet). */
    static final String DEFAULT_NAME = "SMFD-UNet";

    private static final Pattern ANY_NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private ModelInfos() {
    }

    /**
     * Describes a loaded model. For the bundled model the checksum is the SHA-256 that smfd-model verified the
     * model against as the backend read it; a model file is read once more and hashed, so the checksum is that of
     * the model the backend loaded.
     *
     * @param metadata what the backend parsed from the model
     * @param source   where the backend read it from
     * @return the public description
     * @throws io.smfd.ModelException if the model can no longer be read
     */
    static ModelInfo describe(ModelMetadata metadata, ModelSource source) {
        String sha256 = source.isBundled() ? BundledModelAccess.sha256() : sha256(source.readBytes());
        String card = metadata.modelCard();
        if (source.isBundled()) {
            card = BundledModelAccess.modelCardJson().map(String::trim).orElse(card);
        }
        return new ModelInfo(cardName(card), metadata.version(), sha256, source.description(),
                metadata.classNames(), metadata.sizeMultiple(), card);
    }

    /**
     * Returns the top-level {@code "name"} of a model card (members of nested objects, such as the card's
     * {@code input.name}, are skipped), or {@value #DEFAULT_NAME}.
     */
    static String cardName(String card) {
        int depth = 0;
        boolean inString = false;
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < card.length(); i++) {
            char c = card.charAt(i);
            if (inString) {
                if (depth == 1) {
                    top.append(c);
                }
                if (c == '\\' && i + 1 < card.length()) {
                    i++;
                    if (depth == 1) {
                        top.append(card.charAt(i));
                    }
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
                if (depth == 1) {
                    continue;
                }
            } else if (c == '}' || c == ']') {
                depth--;
                continue;
            }
            if (depth == 1) {
                top.append(c);
            }
        }
        Matcher m = ANY_NAME.matcher(top);
        return m.find() && !m.group(1).isBlank() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : DEFAULT_NAME;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not supported by this JVM", e);
        }
    }
}
