package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code io.smfd.internal} stays internal: not exported by {@code io.smfd.api}, and no other module of this
 * repository imports or loads it (they use the public API, or a copy that their build generates from this
 * package's source, as smfd-eval's {@code Json} and {@code BlurFeatures}).
 */
class InternalPackageTest {

    private static final Pattern USE = Pattern.compile(
            "^\\s*import\\s+(static\\s+)?io\\.smfd\\.internal\\b|forName\\(\\s*\"io\\.smfd\\.internal\\.", Pattern.MULTILINE);

    @Test
    void notExported() {
        ModuleDescriptor api = BundledModelAccess.class.getModule().isNamed()
                ? BundledModelAccess.class.getModule().getDescriptor()
                : null;
        // tests run on the class path (unnamed module): read the compiled descriptor instead
        if (api == null) {
            try (var in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
                api = ModuleDescriptor.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(api.name()).isEqualTo("io.smfd.api");
        assertThat(api.exports()).map(ModuleDescriptor.Exports::source).containsExactlyInAnyOrder("io.smfd", "io.smfd.spi");
    }

    @Test
    void noOtherModuleUsesIt() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(root.resolve("smfd-api/pom.xml")), "not run inside the SMFD repository");
        List<String> users;
        try (Stream<Path> files = Files.walk(root, 12)) {
            users = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !root.relativize(p).startsWith("smfd-api"))
                    .filter(p -> !root.relativize(p).toString().contains("/target/"))
                    .filter(p -> !root.relativize(p).startsWith("training"))
                    .filter(p -> USE.matcher(read(p)).find())
                    .map(p -> root.relativize(p).toString())
                    .collect(Collectors.toList());
        }
        assertThat(users).as("files outside smfd-api that use io.smfd.internal").isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
