package io.smfd.internal;

import io.smfd.BackendStatus;
import io.smfd.BackendUnavailableException;
import io.smfd.DeblurModel;
import io.smfd.Deblurrer;
import io.smfd.ModelException;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException;
import io.smfd.spi.Availability;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.DeblurBackendProvider;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link DeblurBackendProvider}s with {@link ServiceLoader}, isolates broken ones, and picks
 * one: builder name, else system property {@code smfd.backend}, else highest priority available.
 */
public final class BackendSelector {

    private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);

    /** Message used when no provider at all is found. */
    public static final String NO_BACKEND_HINT = "add io.smfd:smfd-runtime-onnx (ONNX Runtime) or"
            + " io.smfd:smfd-runtime-cpu (pure Java) to your dependencies";

    private static final int MAX_LOAD_ERRORS = 64;
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private BackendSelector() {
    }

    /**
     * A provider found by ServiceLoader (or a placeholder for one that failed to load) with its probe result.
     *
     * @param provider     the provider, or null if it failed to load
     * @param name         its name (or a description of the broken entry)
     * @param priority     its priority
     * @param availability probe result
     */
    record Candidate(DeblurBackendProvider provider, String name, int priority, Availability availability) {
        boolean usable() {
            return provider != null && availability.available();
        }

        @Override
        public String toString() {
            return name + " (priority " + priority + "): " + availability;
        }
    }

    /**
     * Statuses of all providers visible from the default class loaders.
     *
     * @param config configuration passed to each probe
     * @return statuses, best first
     */
    public static List<BackendStatus> statuses(BackendConfig config) {
        return discover(defaultLoaders(), config).stream()
                .map(c -> new BackendStatus(c.name(), c.priority(), c.usable(), c.availability().reason()))
                .collect(Collectors.toUnmodifiableList());
    }

    /**
     * Selects a backend and opens a deblurrer on it with a policy for sharp faces.
     *
     * @param builderBackend name from the builder, or null
     * @param config         configuration
     * @param sharpFaces     what to do with faces that do not need deblurring
     * @return a new deblurrer
     */
    public static Deblurrer open(String builderBackend, BackendConfig config, SharpFacePolicy sharpFaces) {
        return open(builderBackend, config, sharpFaces, Routing.SMFD);
    }

    /**
     * Selects a backend and opens a deblurrer on it with a policy for sharp faces and a model choice.
     *
     * @param builderBackend name from the builder, or null
     * @param config         configuration (its model is SMFD's)
     * @param sharpFaces     what to do with faces that do not need deblurring
     * @param routing        which model deblurs which face
     * @return a new deblurrer
     * @throws io.smfd.ModelException     {@code MODEL_NOT_FOUND} if the routing uses MAXIM and its artifact is absent
     * @throws BackendUnavailableException if the backend named cannot run MAXIM, or none can
     */
    public static Deblurrer open(String builderBackend, BackendConfig config, SharpFacePolicy sharpFaces,
                                 Routing routing) {
        return open(builderBackend, System.getProperty(Deblurrer.BACKEND_PROPERTY), config, defaultLoaders(),
                sharpFaces, routing);
    }

    static Deblurrer open(String builderBackend, String propertyValue, BackendConfig config,
                          List<ClassLoader> loaders) {
        return open(builderBackend, propertyValue, config, loaders, DefaultDeblurrer.DEFAULT_POLICY);
    }

    static Deblurrer open(String builderBackend, String propertyValue, BackendConfig config,
                          List<ClassLoader> loaders, SharpFacePolicy sharpFaces) {
        return open(builderBackend, propertyValue, config, loaders, sharpFaces, Routing.SMFD);
    }

    static Deblurrer open(String builderBackend, String propertyValue, BackendConfig config,
                          List<ClassLoader> loaders, SharpFacePolicy sharpFaces, Routing routing) {
        Objects.requireNonNull(sharpFaces, "sharpFaces");
        Objects.requireNonNull(routing, "routing");
        if (routing.choice().usesMaxim()) {
            BundledModelAccess.requirePresent(DeblurModel.MAXIM, loaders); // the artifact first: the most actionable error
        }
        String requested;
        String source;
        if (builderBackend != null) {
            requested = builderBackend;
            source = "Deblurrer.builder().backend(\"" + builderBackend + "\")";
        } else if (propertyValue != null && !propertyValue.isBlank()) {
            requested = propertyValue.trim().toLowerCase(Locale.ROOT);
            source = "system property -D" + Deblurrer.BACKEND_PROPERTY + "=" + propertyValue;
        } else {
            requested = "auto";
            source = "automatic selection";
        }
        List<Candidate> candidates = discover(loaders, config);
        if (candidates.isEmpty()) {
            throw new BackendUnavailableException("No SMFD backend found on the class path or module path: "
                    + NO_BACKEND_HINT + ".");
        }
        if (!"auto".equals(requested)) {
            return openNamed(requested, source, candidates, config, sharpFaces, routing);
        }
        List<String> failures = new ArrayList<>();
        List<String> noMaxim = new ArrayList<>();
        for (Candidate c : candidates) {
            if (!c.usable()) {
                continue;
            }
            if (routing.choice().usesMaxim() && !runsMaxim(c)) {
                noMaxim.add(c.name());
                continue;
            }
            try {
                return started(c, config, candidates, source, sharpFaces, routing);
            } catch (ModelException e) {
                throw e; // every backend would fail the same way
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("SMFD backend '{}' is available but failed to start, trying the next one: {}", c.name(), e.toString());
                failures.add(c.name() + ": failed to start: " + e);
            }
        }
        if (failures.isEmpty() && !noMaxim.isEmpty()) {
            throw new BackendUnavailableException("No available SMFD backend runs MAXIM (ModelChoice."
                    + routing.choice() + "): " + String.join(", ", noMaxim) + " cannot. Add io.smfd:smfd-runtime-onnx,"
                    + " or choose ModelChoice.SMFD. Found: " + describe(candidates) + ".");
        }
        if (failures.isEmpty()) {
            throw new BackendUnavailableException("No available SMFD backend. Found: " + describe(candidates)
                    + ". Fix one of the reasons above, or " + NO_BACKEND_HINT + ".");
        }
        throw new BackendUnavailableException("Every available SMFD backend failed to start: "
                + String.join("; ", failures) + ". Found: " + describe(candidates) + ".");
    }

    private static Deblurrer openNamed(String requested, String source, List<Candidate> candidates,
                                       BackendConfig config, SharpFacePolicy sharpFaces, Routing routing) {
        Candidate match = null;
        for (Candidate c : candidates) {
            if (c.provider() != null && c.name().equalsIgnoreCase(requested)) {
                match = c;
                break;
            }
        }
        if (match == null) {
            String hint = "onnx".equals(requested) ? " Add io.smfd:smfd-runtime-onnx to your dependencies."
                    : "cpu".equals(requested) ? " Add io.smfd:smfd-runtime-cpu to your dependencies." : "";
            throw new BackendUnavailableException("SMFD backend '" + requested + "' (requested by " + source
                    + ") was not found." + hint + " Found: " + describe(candidates) + ".");
        }
        if (!match.availability().available()) {
            throw new BackendUnavailableException("SMFD backend '" + requested + "' (requested by " + source
                    + ") is unavailable: " + match.availability().reason() + ". Found: " + describe(candidates)
                    + ". Fix the reason, or select another backend (or remove the request to choose automatically).");
        }
        if (routing.choice().usesMaxim() && !runsMaxim(match)) {
            throw new BackendUnavailableException("SMFD backend '" + requested + "' (requested by " + source
                    + ") cannot run MAXIM, which ModelChoice." + routing.choice() + " needs"
                    + ("cpu".equals(requested) ? " (the pure-Java engine has no kernels for MAXIM's operators)" : "")
                    + ". Use the onnx backend (io.smfd:smfd-runtime-onnx), or ModelChoice.SMFD.");
        }
        try {
            return started(match, config, candidates, source, sharpFaces, routing);
        } catch (SmfdException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("SMFD backend '" + requested + "' failed to start: " + e, e);
        }
    }

    private static boolean runsMaxim(Candidate c) {
        try {
            return c.provider().runs(DeblurModel.MAXIM);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("SMFD backend '{}' failed to say whether it runs MAXIM", c.name(), e);
            return false;
        }
    }

    private static Deblurrer started(Candidate c, BackendConfig config, List<Candidate> all, String source,
                                     SharpFacePolicy sharpFaces, Routing routing) {
        InferenceBackend backend = c.provider().create(config);
        if (backend == null) {
            throw new IllegalStateException("provider " + c.provider().getClass().getName() + " returned null from create()");
        }
        DefaultDeblurrer deblurrer;
        InferenceBackend maxim = null;
        try {
            if (routing.choice().usesMaxim()) {
                maxim = c.provider().create(BackendConfig.of(config.device(), config.threads(),
                        ModelSource.bundled(DeblurModel.MAXIM)));
                if (maxim == null) {
                    throw new IllegalStateException("provider " + c.provider().getClass().getName()
                            + " returned null from create() for MAXIM");
                }
            }
            deblurrer = new DefaultDeblurrer(c.name(), backend, config.model(), sharpFaces, maxim, routing);
        } catch (RuntimeException | Error e) {
            backend.close();
            if (maxim != null) {
                maxim.close();
            }
            throw e;
        }
        if (logOnce(c.name(), deblurrer.device())) {
            LOG.info("SMFD backend '{}' selected by {} on {} ({} threads, {}, model {}); candidates: {}",
                    c.name(), source, deblurrer.device(), config.threads(), c.availability().reason(),
                    deblurrer.modelInfo().summary(), describe(all));
        }
        return deblurrer;
    }

    /** Returns true the first time a (backend, device) pair is seen in this JVM. */
    static boolean logOnce(String backend, io.smfd.Device device) {
        return LOGGED.add(backend + "/" + device);
    }

    static List<ClassLoader> defaultLoaders() {
        List<ClassLoader> loaders = new ArrayList<>(2);
        ClassLoader own = BackendSelector.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        loaders.add(own != null ? own : ClassLoader.getSystemClassLoader());
        if (context != null && context != own) {
            loaders.add(context);
        }
        return loaders;
    }

    static List<Candidate> discover(List<ClassLoader> loaders, BackendConfig config) {
        List<Candidate> out = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        for (ClassLoader loader : loaders) {
            Iterator<DeblurBackendProvider> it = ServiceLoader.load(DeblurBackendProvider.class, loader).iterator();
            int errors = 0;
            while (errors < MAX_LOAD_ERRORS) {
                DeblurBackendProvider provider;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    provider = it.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    errors++;
                    LOG.warn("Ignoring an SMFD backend provider that failed to load: {}", e.toString());
                    out.add(new Candidate(null, "<failed to load>", Integer.MIN_VALUE,
                            Availability.unavailable("failed to load: " + e)));
                    continue;
                }
                if (seen.add(provider.getClass())) {
                    out.add(probe(provider, config));
                }
            }
        }
        out.sort(Comparator.comparingInt(Candidate::priority).reversed().thenComparing(Candidate::name));
        return out;
    }

    private static Candidate probe(DeblurBackendProvider provider, BackendConfig config) {
        String name;
        int priority;
        try {
            name = provider.name();
            priority = provider.priority();
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("name() returned " + (name == null ? "null" : "a blank string"));
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Ignoring SMFD backend provider {}: {}", provider.getClass().getName(), e.toString());
            return new Candidate(null, provider.getClass().getName(), Integer.MIN_VALUE,
                    Availability.unavailable("broken provider: " + e));
        }
        Availability availability;
        try {
            availability = provider.probe(config);
            if (availability == null) {
                availability = Availability.unavailable("probe returned null");
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Probe of SMFD backend '{}' failed", name, e);
            availability = Availability.unavailable("probe failed: " + e);
        }
        return new Candidate(provider, name, priority, availability);
    }

    private static String describe(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::toString).collect(Collectors.joining("; "));
    }
}
