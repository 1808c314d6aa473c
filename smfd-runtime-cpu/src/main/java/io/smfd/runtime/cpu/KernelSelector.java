package io.smfd.runtime.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernels once per JVM, the way Lucene's {@code VectorizationProvider} does. The
 * {@code jdk.incubator.vector} implementation ({@code PanamaKernels}, in the multi-release layer
 * {@code META-INF/versions/21}) is used only when every check passes:
 * <ol>
 *   <li>{@value #PROPERTY} is not {@code false};</li>
 *   <li>the JVM is Java 21+ and {@code jdk.incubator.vector} is in the boot layer
 *       ({@code --add-modules jdk.incubator.vector});</li>
 *   <li>the C2 compiler is enabled: not {@code -Xint}, not a client or client-emulating VM, and on HotSpot not
 *       {@code -XX:TieredStopAtLevel} below 4 (without C2 the Vector API is not intrinsified and runs many times
 *       slower than plain loops).</li>
 * </ol>
 * Otherwise {@link ScalarKernels}. Whether the CPU has fast FMA (HotSpot's {@code UseFMA}, which HotSpot sets from
 * the CPU's features) decides, at selection time, whether the vector kernels use fused multiply-add or a separate
 * multiply and add; the vector species (the preferred shape, at least 128 bits) is likewise fixed when the
 * selector loads {@code PanamaKernels}, never before. The choice is logged once, in one line, naming what was
 * chosen and why; it is made on the first {@link #get()}, i.e. when a cpu backend is created, so probing the
 * backend (e.g. while another backend is selected by name) logs nothing. Never sets global JVM state.
 */
final class KernelSelector {

    /** System property that disables the vector kernels when set to {@code false}. */
    static final String PROPERTY = "smfd.cpu.vector";
    static final String PANAMA_CLASS = "io.smfd.runtime.cpu.PanamaKernels";
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final Logger LOG = LoggerFactory.getLogger(KernelSelector.class);

    private KernelSelector() {
    }

    /**
     * What the environment allows, computed without loading the vector kernels and without logging.
     *
     * @param vector whether the vector kernels should be used
     * @param fma    whether the vector kernels should use fused multiply-add (fast FMA on this CPU)
     * @param reason why, for the log line and the backend's availability detail
     * @param warn   whether the reason is worth a WARN (the user can fix it for a large speed-up)
     */
    record Decision(boolean vector, boolean fma, String reason, boolean warn) {
    }

    private static final class Holder {
        static final Kernels DEFAULT = select();
    }

    /**
     * Returns the kernels chosen for this JVM (selected and logged on first use, by the first cpu backend).
     *
     * @return the kernels
     */
    static Kernels get() {
        return Holder.DEFAULT;
    }

    /**
     * Describes what {@link #get()} would choose, without choosing, loading or logging (for the provider's probe).
     *
     * @return e.g. {@code "vector kernels (jdk.incubator.vector)"} or {@code "scalar kernels (...reason...)"}
     */
    static String preview() {
        Decision d = decide();
        return d.vector() ? "vector kernels (" + VECTOR_MODULE + ")" : "scalar kernels (" + d.reason() + ")";
    }

    /**
     * Returns the vector kernels if they can be loaded, without the C2 check and without logging (for tests and
     * benchmarks that compare both implementations).
     *
     * @return the vector kernels, or empty
     */
    static Optional<Kernels> vector() {
        return Optional.ofNullable(Panama.INSTANCE);
    }

    /**
     * Whether the vector kernels use fused multiply-add; read once by {@code PanamaKernels} when it is loaded.
     *
     * @return true if this CPU has fast FMA
     */
    static boolean fastFma() {
        return Env.FAST_FMA;
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

    /** Facts about the JVM and CPU, read once. */
    private static final class Env {
        static final String C2_PROBLEM = c2Problem();
        static final boolean FAST_FMA = vmOption("UseFMA").map(Boolean::parseBoolean).orElse(false);
    }

    static Decision decide() {
        String prop;
        try {
            prop = System.getProperty(PROPERTY);
        } catch (SecurityException e) {
            prop = null;
        }
        if (prop != null && prop.trim().equalsIgnoreCase("false")) {
            return new Decision(false, false, "-D" + PROPERTY + "=false", false);
        }
        int feature = Runtime.version().feature();
        if (feature < 21) {
            return new Decision(false, false, "Java " + feature + "; vector kernels need Java 21+ with --add-modules "
                    + VECTOR_MODULE, false);
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new Decision(false, false, VECTOR_MODULE + " not enabled: add --add-modules " + VECTOR_MODULE
                    + " to the java command line for several times faster inference", true);
        }
        if (Env.C2_PROBLEM != null) {
            return new Decision(false, false, "C2 compiler disabled (" + Env.C2_PROBLEM + "); the Vector API would"
                    + " run without intrinsics", true);
        }
        return new Decision(true, Env.FAST_FMA, "Java " + feature + ", " + VECTOR_MODULE + ", C2 enabled, "
                + (Env.FAST_FMA ? "fast FMA (UseFMA=true)" : "no fast FMA (UseFMA not true): multiply then add"),
                false);
    }

    private static Kernels select() {
        Decision d = decide();
        if (!d.vector()) {
            if (d.warn()) {
                LOG.warn("SMFD cpu backend: scalar kernels ({})", d.reason());
            } else {
                LOG.info("SMFD cpu backend: scalar kernels ({})", d.reason());
            }
            return ScalarKernels.INSTANCE;
        }
        Kernels k = Panama.INSTANCE;
        if (k == null) {
            LOG.warn("SMFD cpu backend: scalar kernels (vector kernels failed to load: {})", Panama.FAILURE.toString());
            return ScalarKernels.INSTANCE;
        }
        LOG.info("SMFD cpu backend: {} kernels ({})", k.description(), d.reason());
        return k;
    }

    /**
     * Returns why C2 is not available, or null if it is (or cannot be ruled out).
     */
    static String c2Problem() {
        String info = property("java.vm.info").toLowerCase(Locale.ROOT);
        String name = property("java.vm.name").toLowerCase(Locale.ROOT);
        if (info.contains("interpreted mode")) {
            return "interpreted mode, -Xint";
        }
        boolean tiered = vmOption("TieredCompilation").map(Boolean::parseBoolean).orElse(true);
        Optional<Integer> stop = vmOption("TieredStopAtLevel").flatMap(KernelSelector::parseInt);
        if (tiered && stop.isPresent() && stop.get() < 4) {
            return "-XX:TieredStopAtLevel=" + stop.get();
        }
        if (info.contains("emulated-client") || name.contains("client vm")) {
            return "client VM";
        }
        return null;
    }

    private static String property(String key) {
        try {
            String v = System.getProperty(key);
            return v == null ? "" : v;
        } catch (SecurityException e) {
            return "";
        }
    }

    private static Optional<Integer> parseInt(String s) {
        try {
            return Optional.of(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a HotSpot VM option through {@code com.sun.management.HotSpotDiagnosticMXBean}, reflectively, so that
     * neither {@code java.management} nor {@code jdk.management} is a hard dependency (as Lucene's
     * {@code HotspotVMOptions}).
     *
     * @param name option name, e.g. {@code "UseFMA"}
     * @return the value, or empty on other VMs or when the management modules are absent
     */
    static Optional<String> vmOption(String name) {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> beanClass = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            Object bean = factory.getMethod("getPlatformMXBean", Class.class).invoke(null, beanClass);
            if (bean == null) {
                return Optional.empty();
            }
            Method getVmOption = beanClass.getMethod("getVMOption", String.class);
            Object option = getVmOption.invoke(bean, name);
            Object value = option.getClass().getMethod("getValue").invoke(option);
            return Optional.ofNullable((String) value);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    private static Kernels loadPanama() throws Throwable {
        Module vectorModule = ModuleLayer.boot().findModule(VECTOR_MODULE)
                .orElseThrow(() -> new IllegalStateException(VECTOR_MODULE + " not in the boot layer"));
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
