package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * smfd-eval's {@link Json} (used by the evaluation tools and the CLI) is smfd-api's internal {@code Json}, copied
 * verbatim because smfd-api keeps its internals to itself: the build fails when the two differ in anything but
 * the package line. To update: {@code sed 's/^package io.smfd.internal;/package io.smfd.eval;/'
 * smfd-api/src/main/java/io/smfd/internal/Json.java > smfd-eval/src/main/java/io/smfd/eval/Json.java}.
 */
class JsonCopyTest {

    @Test
    void sameAsSmfdApiJson() throws IOException {
        String api = Files.readString(Path.of("../smfd-api/src/main/java/io/smfd/internal/Json.java"), StandardCharsets.UTF_8);
        String copy = Files.readString(Path.of("src/main/java/io/smfd/eval/Json.java"), StandardCharsets.UTF_8);
        assertThat(api).startsWith("package io.smfd.internal;\n");
        assertThat(copy).as("smfd-eval's Json.java is stale: copy smfd-api's (see this test's javadoc)")
                .isEqualTo(api.replaceFirst("package io.smfd.internal;", "package io.smfd.eval;"));
    }
}
