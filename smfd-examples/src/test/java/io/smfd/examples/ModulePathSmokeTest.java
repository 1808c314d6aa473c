package io.smfd.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK on the module path (after Lucene's {@code TestModularLayer}): a tiny application module
 * {@code smfd.smoke} that only {@code requires io.smfd.api} is compiled with {@code --release 17} against the built
 * artifacts (the jars in a {@code mvn verify}), then deblurs a 32x32 face
 * <ul>
 *   <li>in a {@link ModuleLayer} of this JVM, with both backends: service binding alone must bring in
 *       {@code io.smfd.model} (the {@code ModelProvider}) and the runtimes (the {@code DeblurBackendProvider}s);</li>
 *   <li>in a Java 17 JVM ({@code -Dsmfd.java17.home}, default {@code /usr/lib/jvm/java-17-openjdk-amd64}) with
 *       {@code java --module-path ... -m smfd.smoke/smoke.Main cpu}: the library artifacts run on Java 17.
 *       Skipped, saying so, when that JDK is absent.</li>
 * </ul>
 */
class ModulePathSmokeTest {

    private static final String MODULE_INFO = "module smfd.smoke {\n    requires io.smfd.api;\n    exports smoke;\n}\n";

    /** Deblurs one synthetic face with a named backend and reports what it saw (one line). */
    private static final String MAIN = String.join("\n",
            "package smoke;",
            "",
            "import io.smfd.Deblurrer;",
            "import io.smfd.FaceImage;",
            "import io.smfd.SharpFacePolicy;",
            "",
            "public final class Main {",
            "    public static void main(String[] args) {",
            "        System.out.println(run(args[0]));",
            "    }",
            "",
            "    public static String run(String backend) {",
            "        int w = 32, h = 32;",
            "        float[] p = new float[3 * w * h];",
            "        for (int i = 0; i < p.length; i++) {",
            "            p[i] = ((i * 37 + (i / w) * 11) % 97) / 96f;",
            "        }",
            "        FaceImage in = FaceImage.fromPlanarFloat(w, h, p);",
            "        try (Deblurrer d = Deblurrer.builder().backend(backend).sharpFaces(SharpFacePolicy.DEBLUR).build()) {",
            "            float[] out = d.deblur(in).toPlanarFloat();",
            "            double diff = 0;",
            "            boolean inRange = out.length == p.length;",
            "            for (int i = 0; i < out.length && inRange; i++) {",
            "                inRange = out[i] >= 0 && out[i] <= 1;",
            "                diff += Math.abs(out[i] - p[i]);",
            "            }",
            "            ModuleLayer layer = Deblurrer.class.getModule().getLayer();",
            "            return \"backend=\" + d.backendName() + \" java=\" + Runtime.version().feature()",
            "                    + \" api=\" + Deblurrer.class.getModule().getName()",
            "                    + \" model=\" + layer.findModule(\"io.smfd.model\").isPresent()",
            "                    + \" inRange=\" + inRange + \" changed=\" + (diff / out.length > 1e-4)",
            "                    + \" card=\" + d.modelInfo().name();",
            "        }",
            "    }",
            "}",
            "");

    @TempDir
    static Path tmp;

    private static List<Path> sdk;
    private static Path smoke;

    @BeforeAll
    static void compileTheSmokeModule() throws Exception {
        sdk = new ArrayList<>();
        for (String c : new String[] {"io.smfd.Deblurrer", "io.smfd.model.BundledModel", "org.slf4j.Logger",
            "io.smfd.runtime.cpu.CpuBackendProvider", "io.smfd.runtime.onnx.OnnxBackendProvider",
            "ai.onnxruntime.OrtEnvironment", "com.sun.jna.Native"}) {
            sdk.add(location(c));
        }
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("smoke"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO, StandardCharsets.UTF_8);
        Files.writeString(src.resolve("smoke/Main.java"), MAIN, StandardCharsets.UTF_8);
        smoke = tmp.resolve("smoke");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter log = new StringWriter();
        boolean ok = javac.getTask(log, null, null,
                List.of("--release", "17", "-d", smoke.toString(), "--module-path", path(sdk)), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                        .getJavaFileObjects(src.resolve("module-info.java"), src.resolve("smoke/Main.java"))).call();
        assertThat(ok).as("javac: %s", log).isTrue();
    }

    @Test
    void deblursInAModuleLayer() throws Exception {
        List<Path> paths = new ArrayList<>(sdk);
        paths.add(smoke);
        ModuleFinder finder = ModuleFinder.of(paths.toArray(new Path[0]));
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of("smfd.smoke"));
        Set<String> resolved = cf.modules().stream().map(m -> m.name()).collect(Collectors.toSet());
        assertThat(resolved).as("bound through ModelProvider and DeblurBackendProvider")
                .contains("io.smfd.api", "io.smfd.model", "io.smfd.runtime.cpu", "io.smfd.runtime.onnx");
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader("smfd.smoke");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // as in an application started with java -m
        try {
            var run = loader.loadClass("smoke.Main").getMethod("run", String.class);
            for (String backend : new String[] {"cpu", "onnx"}) {
                String report = (String) run.invoke(null, backend);
                assertThat(report).contains("backend=" + backend, "api=io.smfd.api", "model=true", "inRange=true",
                        "changed=true", "card=SMFD-UNet");
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void deblursOnJava17() throws Exception {
        Path java17 = Path.of(System.getProperty("smfd.java17.home", "/usr/lib/jvm/java-17-openjdk-amd64"), "bin", "java");
        assumeTrue(Files.isExecutable(java17), "No Java 17 at " + java17 + ": set -Dsmfd.java17.home=<a JDK 17> to run"
                + " the SDK's module-path smoke test on Java 17");
        List<Path> paths = new ArrayList<>();
        paths.add(smoke);
        paths.addAll(sdk.subList(0, 4)); // api, model, slf4j-api, runtime-cpu (pure Java)
        Process p = new ProcessBuilder(java17.toString(), "-Xmx512m", "--module-path", path(paths),
                "-m", "smfd.smoke/smoke.Main", "cpu").redirectErrorStream(true).start();
        String out;
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("Java 17 smoke run finishes").isTrue();
        } finally {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("backend=cpu java=17 api=io.smfd.api model=true inRange=true changed=true card=SMFD-UNet");
    }

    private static Path location(String className) throws ClassNotFoundException, URISyntaxException {
        return Path.of(Class.forName(className, false, ModulePathSmokeTest.class.getClassLoader())
                .getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String path(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
