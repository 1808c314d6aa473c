package io.smfd.runtime.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernels once per JVM, the way Lucene's {@code VectorizationProvider} does: the
 * {@code jdk.incubator.vector} implementation ({@code PanamaKernels}, in the multi-release layer
 * {@code META-INF/versions/21}) when running on Java 21+, the module is in the boot layer
 * ({@code --add-modules jdk.incubator.vector}) and {@code smfd.cpu.vector} is not {@code false};
 * otherwise {@link ScalarKernels}. Logs exactly one line naming the choice and the reason.
 * Never sets system properties or other global JVM state.
 */
final class KernelSelector {

    /** System property that disables the vector kernels when set to {@code false}. */
    static final String PROPERTY = "smfd.cpu.vector";
    static final String PANAMA_CLASS = "io.smfd.runtime.cpu.PanamaKernels";

    private static final Logger LOG = LoggerFactory.getLogger(KernelSelector.class);

    private KernelSelector() {
    }

    private static final class Holder {
        static final Kernels DEFAULT = select();
    }

    /**
     * Returns the kernels chosen for this JVM (selected and logged on first use).
     *
     * @return the kernels
     */
    static Kernels get() {
        return Holder.DEFAULT;
    }

    /**
     * Returns the vector kernels if they can be loaded, without logging (for tests and benchmarks).
     *
     * @return the vector kernels, or empty
     */
    static Optional<Kernels> vector() {
        return Optional.ofNullable(Panama.INSTANCE);
    }

    /** Loads the vector kernels at most once (a class defined from the versioned resource cannot be redefined). */
    private static final class Panama {
        static final Throwable FAILURE;
        static final Kernels INSTANCE;

        static {
            Kernels k = null;
            Throwable failure = null;
            try {
                k = loadPanama();
            } catch (Throwable t) {
                failure = t;
            }
            INSTANCE = k;
            FAILURE = failure;
        }
    }

    private static Kernels select() {
        String prop;
        try {
            prop = System.getProperty(PROPERTY);
        } catch (SecurityException e) {
            prop = null;
        }
        if (prop != null && prop.trim().equalsIgnoreCase("false")) {
            LOG.info("SMFD cpu backend: scalar kernels (-D{}=false)", PROPERTY);
            return ScalarKernels.INSTANCE;
        }
        int feature = Runtime.version().feature();
        if (feature < 21) {
            LOG.info("SMFD cpu backend: scalar kernels (Java {}; vector kernels need Java 21+ with"
                    + " --add-modules jdk.incubator.vector)", feature);
            return ScalarKernels.INSTANCE;
        }
        Optional<Module> vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vectorModule.isEmpty()) {
            LOG.warn("SMFD cpu backend: scalar kernels (jdk.incubator.vector not enabled: add --add-modules"
                    + " jdk.incubator.vector to the java command line for several times faster inference)");
            return ScalarKernels.INSTANCE;
        }
        Kernels k = Panama.INSTANCE;
        if (k == null) {
            LOG.warn("SMFD cpu backend: scalar kernels (vector kernels failed to load: {})", Panama.FAILURE.toString());
            return ScalarKernels.INSTANCE;
        }
        LOG.info("SMFD cpu backend: {} kernels (jdk.incubator.vector)", k.description());
        return k;
    }

    private static Kernels loadPanama() throws Throwable {
        Module vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector")
                .orElseThrow(() -> new IllegalStateException("jdk.incubator.vector not in the boot layer"));
        // On the module path this module does not declare 'requires jdk.incubator.vector' (Java 17 must resolve
        // it without the incubator); add the read edge for our own module only.
        KernelSelector.class.getModule().addReads(vectorModule);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Class<?> cls;
        try {
            cls = lookup.findClass(PANAMA_CLASS);
        } catch (ClassNotFoundException e) {
            // Uber-JARs (shade, assembly, Spring Boot) often drop 'Multi-Release: true' from the manifest, which
            // hides META-INF/versions/21. Define the class from that resource in our own package instead.
            cls = defineFromVersionedResource(lookup, e);
        }
        return (Kernels) lookup.findConstructor(cls, MethodType.methodType(void.class)).invoke();
    }

    private static Class<?> defineFromVersionedResource(MethodHandles.Lookup lookup, ClassNotFoundException notFound)
            throws Exception {
        String resource = "/META-INF/versions/21/" + PANAMA_CLASS.replace('.', '/') + ".class";
        try (java.io.InputStream in = KernelSelector.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw notFound;
            }
            return lookup.defineClass(in.readAllBytes());
        }
    }
}
