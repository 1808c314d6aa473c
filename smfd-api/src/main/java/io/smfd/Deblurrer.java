package io.smfd;

import io.smfd.SmfdException.Reason;
import io.smfd.internal.BackendSelector;
import io.smfd.internal.DefaultDeblurrer;
import io.smfd.internal.Routing;
import io.smfd.spi.BackendConfig;
import io.smfd.spi.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Deblurs aligned face crops with SMFD-UNet.
 *
 * <pre>{@code
 * try (Deblurrer deblurrer = Deblurrer.create()) {
 *     FaceImage sharp = deblurrer.deblur(FaceImage.fromBufferedImage(ImageIO.read(file)));
 * }
 * }</pre>
 *
 * <p><b>Backend selection.</b> Backends are {@link io.smfd.spi.DeblurBackendProvider}s found with
 * {@link java.util.ServiceLoader} (add {@code io.smfd:smfd-runtime-onnx} and/or
 * {@code io.smfd:smfd-runtime-cpu}). The backend used is, in order of precedence:
 * <ol>
 *   <li>the name given to {@link Builder#backend(String)};</li>
 *   <li>otherwise the system property {@value #BACKEND_PROPERTY} (e.g. {@code -Dsmfd.backend=cpu});</li>
 *   <li>otherwise (the default, also for the value {@code auto}) the available provider with the highest
 *       {@link io.smfd.spi.DeblurBackendProvider#priority() priority} ({@code onnx} 200 before {@code cpu} 100).</li>
 * </ol>
 * A backend named explicitly is used or fails with {@link BackendUnavailableException} carrying its
 * reason; there is no silent fallback. The choice is logged once per JVM per backend and device at
 * INFO through SLF4J (logger {@code io.smfd.internal.BackendSelector}).
 *
 * <p><b>Sharp faces.</b> {@link #assess(FaceImage)} estimates how blurred a face is (cheaply, without the
 * network). By default ({@link SharpFacePolicy#PASS_THROUGH}) a face whose assessment says it does not
 * {@linkplain BlurAssessment#needsDeblurring() need deblurring} is returned unchanged, bit-exact, by
 * {@link #deblur(FaceImage)} and {@link #deblurAll(List)}; {@link Builder#passThroughBelow(double)} moves that
 * line (fewer blurred faces passed through, more sharp ones deblurred), {@link Builder#sharpFaces(SharpFacePolicy)
 * sharpFaces(DEBLUR)} runs the network on every face.
 *
 * <p><b>Models.</b> By default every face is deblurred by SMFD-UNet. With {@code io.smfd:smfd-model-maxim} on the
 * class path, {@link Builder#modelChoice(ModelChoice)} can choose MAXIM for every face, or {@link ModelChoice#AUTO}
 * per face by the blur assessment (clean motion blur to MAXIM, the rest to SMFD); {@link #modelChoice()},
 * {@link #models()} and {@link DeblurResult#model()} say what was chosen and what produced a face.
 *
 * <p><b>Threading.</b> Implementations are thread-safe: share one instance between threads; calls may
 * run concurrently. A deblurrer uses at most {@link Builder#threads(int) threads} CPU threads of its own per
 * call, counting the caller: one face splits its work over them, {@link #deblurAll(List)} runs whole faces in
 * parallel, one per thread, on the CPU backends. Those threads belong to the deblurrer and stop at
 * {@link #close()}. {@link #close()} waits for running calls, is idempotent, and afterwards the deblurring
 * methods throw {@link SmfdException} with reason {@link SmfdException.Reason#CLOSED CLOSED};
 * {@link #backendName()}, {@link #device()} and {@link #modelInfo()} still answer.
 *
 * <p><b>Errors.</b> {@code null} arguments throw {@link NullPointerException} naming the parameter;
 * everything else is an unchecked {@link SmfdException} carrying a {@link SmfdException.Reason}. Catch
 * {@link InvalidImageException} to skip a bad face, {@link ModelException} for deployment problems with the
 * model, {@link BackendUnavailableException} to fall back to another backend; the rest ({@code INFERENCE_FAILED},
 * {@code CLOSED}) are plain {@code SmfdException}s.
 */
public interface Deblurrer extends AutoCloseable {

    /** System property that names the backend when the builder does not: {@value}. Unset or {@code auto} = automatic. */
    String BACKEND_PROPERTY = "smfd.backend";

    /**
     * Creates a deblurrer with the defaults: automatic backend (or {@value #BACKEND_PROPERTY}),
     * {@link Device#AUTO}, {@link BackendConfig#defaultThreads()} threads, the bundled model.
     * Same as {@code builder().build()}.
     *
     * @return a new deblurrer the caller must close
     * @throws BackendUnavailableException if no usable backend is found (the message says what to add)
     * @throws ModelException              if the model is missing, corrupt or incompatible
     */
    static Deblurrer create() {
        return builder().build();
    }

    /**
     * Returns a new builder with default settings.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Lists every backend provider found, best first, with its availability for the default
     * configuration. Providers that failed to load are included as unavailable. Loads no model.
     *
     * @return an unmodifiable list, empty if no runtime artifact is present
     */
    static List<BackendStatus> backends() {
        return BackendSelector.statuses(BackendConfig.defaults());
    }

    /**
     * Estimates how blurred a face crop is, without running the network: a calibrated severity, the blur
     * extent in pixels and whether deblurring is worth it. Costs well under a tenth of a {@link #deblur(FaceImage)}
     * call (a few milliseconds for 256x256 on one CPU core); the same on every backend.
     *
     * @param image the face crop
     * @return the assessment
     * @throws NullPointerException if {@code image} is null
     * @throws SmfdException       {@link SmfdException.Reason#CLOSED CLOSED} if this deblurrer is closed
     */
    BlurAssessment assess(FaceImage image);

    /**
     * Deblurs one face crop. Under {@link SharpFacePolicy#PASS_THROUGH} (the default) a face that does not
     * {@linkplain BlurAssessment#needsDeblurring() need deblurring} (severity below
     * {@link Builder#passThroughBelow(double)}, default {@value BlurAssessment#THRESHOLD}) is returned as is (the same
     * instance).
     *
     * @param image the blurred face crop
     * @return the deblurred image, same size, or {@code image} itself if it was passed through
     * @throws NullPointerException  if {@code image} is null
     * @throws SmfdException        {@link SmfdException.Reason#INFERENCE_FAILED INFERENCE_FAILED} if the backend fails,
     *                               {@link SmfdException.Reason#CLOSED CLOSED} if this deblurrer is closed
     */
    FaceImage deblur(FaceImage image);

    /**
     * Deblurs several face crops; images of the same size are batched together. Under
     * {@link SharpFacePolicy#PASS_THROUGH} (the default) faces that do not need deblurring are not sent to the
     * network and come back as the same instances; {@code out.get(i) == images.get(i)} tells which.
     * On the CPU backends each output is bit for bit what {@link #deblur(FaceImage)} returns for that face,
     * and with two or more {@link Builder#threads(int) threads} whole faces run in parallel, one per thread
     * (many small faces, e.g. 112 px, keep every thread busy where splitting one face over them does not).
     *
     * @param images the blurred face crops (any mix of sizes)
     * @return the deblurred (or passed-through) images, in input order
     * @throws NullPointerException  if {@code images} or an element is null
     * @throws SmfdException        {@link SmfdException.Reason#INFERENCE_FAILED INFERENCE_FAILED} if the backend fails,
     *                               {@link SmfdException.Reason#CLOSED CLOSED} if this deblurrer is closed
     */
    List<FaceImage> deblurAll(List<FaceImage> images);

    /**
     * Deblurs several face crops like {@link #deblurAll(List)} (same policy, same batching, the network runs only
     * on the faces it deblurs) and reports what happened to each: its assessment, whether it was deblurred, and
     * the output image ({@link DeblurResult#image()} the input itself when passed through). No masks
     * ({@link DeblurResult#masks()} empty).
     *
     * @param images the face crops (any mix of sizes)
     * @return one result per image, in input order
     * @throws NullPointerException  if {@code images} or an element is null
     * @throws SmfdException        {@link SmfdException.Reason#INFERENCE_FAILED INFERENCE_FAILED} if the backend fails,
     *                               {@link SmfdException.Reason#CLOSED CLOSED} if this deblurrer is closed
     */
    List<DeblurResult> deblurAllWithResults(List<FaceImage> images);

    /**
     * Deblurs one face crop and also returns the semantic masks the model predicted, the assessment and
     * whether the face was deblurred. The image follows the policy exactly as {@link #deblur(FaceImage)}: under
     * {@link SharpFacePolicy#PASS_THROUGH} a face that does not need deblurring comes back with
     * {@link DeblurResult#image()} the input itself (bit-exact) and {@link DeblurResult#deblurred()} false. The
     * network runs on every face here, because the masks come from it ({@link DeblurResult#masks()} is always
     * present); use {@link #deblurAllWithResults(List)} to skip it for passed-through faces.
     *
     * @param image the blurred face crop
     * @return the output image, its masks (same size), the assessment and whether it was deblurred
     * @throws NullPointerException  if {@code image} is null
     * @throws SmfdException        {@link SmfdException.Reason#INFERENCE_FAILED INFERENCE_FAILED} if the backend fails,
     *                               {@link SmfdException.Reason#CLOSED CLOSED} if this deblurrer is closed
     */
    DeblurResult deblurWithMasks(FaceImage image);

    /**
     * Returns which model {@link #deblur(FaceImage)} would run on this face, without running it: the same
     * assessment, policy and {@link #modelChoice()} decide. Cheap (the assessment only). The default
     * implementation, for deblurrers that run SMFD only under {@link SharpFacePolicy#PASS_THROUGH}, says SMFD
     * when the face needs deblurring.
     *
     * @param image the face crop
     * @return the model, or empty if the face would be passed through
     * @throws NullPointerException if {@code image} is null
     * @throws SmfdException       {@link SmfdException.Reason#CLOSED CLOSED} if this deblurrer is closed
     */
    default Optional<DeblurModel> modelFor(FaceImage image) {
        return assess(image).needsDeblurring() ? Optional.of(DeblurModel.SMFD) : Optional.empty();
    }

    /**
     * Returns the model choice this deblurrer was built with.
     *
     * @return {@link ModelChoice#SMFD} unless {@link Builder#modelChoice(ModelChoice)} said otherwise
     */
    default ModelChoice modelChoice() {
        return ModelChoice.SMFD;
    }

    /**
     * Returns every model this deblurrer has loaded: SMFD first (it assesses faces and gives the masks, and
     * {@link #modelInfo()} describes it), then MAXIM when the choice {@linkplain ModelChoice#usesMaxim() uses it}
     * (name {@code MAXIM-3S}, no mask classes, size multiple 64, source {@code io.smfd:smfd-model-maxim}).
     *
     * @return an unmodifiable list of one or two descriptions; available also after {@link #close()}
     */
    default List<ModelInfo> models() {
        return List.of(modelInfo());
    }

    /**
     * Returns the name of the backend in use.
     *
     * @return e.g. {@code "onnx"} or {@code "cpu"}
     */
    String backendName();

    /**
     * Returns which model this deblurrer runs: name, version, SHA-256, source, classes and model card.
     *
     * @return the model description; available also after {@link #close()}
     */
    ModelInfo modelInfo();

    /**
     * Returns the device in use.
     *
     * @return {@link Device#CPU} or {@link Device#GPU}, never {@link Device#AUTO}
     */
    Device device();

    /**
     * Releases the backend and its native resources. Idempotent; waits for running calls.
     */
    @Override
    void close();

    /**
     * Configures and creates a {@link Deblurrer}. Methods fail fast on bad arguments.
     * Defaults: backend automatic (see {@link Deblurrer}), device {@link Device#AUTO},
     * threads {@code min(availableProcessors, 4)}, the bundled model, sharp faces
     * {@link SharpFacePolicy#PASS_THROUGH}.
     * A builder is mutable and not thread-safe; it may be reused to build several deblurrers.
     */
    final class Builder {
        private String backend; // null = property, then automatic
        private Device device = Device.AUTO;
        private int threads = BackendConfig.defaultThreads();
        private ModelSource model = ModelSource.bundled();
        private SharpFacePolicy sharpFaces = DefaultDeblurrer.DEFAULT_POLICY;
        private ModelChoice modelChoice = ModelChoice.SMFD;
        private Double motionThreshold; // null = default
        private Double passThreshold; // null = BlurAssessment.THRESHOLD

        Builder() {
        }

        /**
         * Sets what to do with faces that do not {@linkplain BlurAssessment#needsDeblurring() need deblurring}.
         * Default {@link SharpFacePolicy#PASS_THROUGH}: return them unchanged without running the network
         * (why: see {@link SharpFacePolicy#PASS_THROUGH}).
         *
         * @param policy the policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder sharpFaces(SharpFacePolicy policy) {
            this.sharpFaces = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets the severity below which {@link SharpFacePolicy#PASS_THROUGH} returns a face unchanged: the knob that
         * trades sharp faces left bit-exact against blurred faces left blurry. Default
         * {@value BlurAssessment#THRESHOLD}, where {@link BlurAssessment#needsDeblurring()} draws the line: the
         * bundled calibration places it per face size at the point that passes 99.5% of sharp training faces. Lower
         * deblurs more: mild camera shake, which the assessment hardly tells from a sharp face, is passed through
         * less, and more sharp faces are deblurred (the network changes a sharp face by about 50 dB PSNR); 0 deblurs
         * every face, as {@code sharpFaces(DEBLUR)} does. Measured trade-off (held-out faces, bundled model):
         * {@code docs/assessment.md}. {@link Deblurrer#modelFor(FaceImage)} and {@link DeblurResult#model()} follow it;
         * {@link BlurAssessment#needsDeblurring()} keeps the default line.
         *
         * @param severity the threshold, in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException if {@code severity} is NaN or outside [0, 1]
         */
        public Builder passThroughBelow(double severity) {
            if (!(severity >= 0 && severity <= 1)) {
                throw new IllegalArgumentException("passThroughBelow must be in [0, 1], got " + severity);
            }
            this.passThreshold = severity;
            return this;
        }

        /**
         * Chooses the model(s) that deblur: {@link ModelChoice#SMFD} (the default), {@link ModelChoice#MAXIM} or
         * {@link ModelChoice#AUTO} (per face). MAXIM and AUTO need {@code io.smfd:smfd-model-maxim} on the class path
         * and a backend that runs MAXIM ({@code onnx}); {@link #build()} checks both.
         *
         * @param choice the choice
         * @return this builder
         * @throws NullPointerException if {@code choice} is null
         */
        public Builder modelChoice(ModelChoice choice) {
            this.modelChoice = Objects.requireNonNull(choice, "choice");
            return this;
        }

        /**
         * Sets the knob of {@link ModelChoice#AUTO} that trades quality for cost: the
         * {@linkplain BlurAssessment#anisotropy() anisotropy} at 256 px from which a (clean) face goes to MAXIM, about
         * 30 times as costly as SMFD (scaled for smaller faces as {@link ModelChoice#AUTO} says). Default
         * {@value ModelChoice#DEFAULT_MOTION_THRESHOLD}; higher sends fewer faces to MAXIM (cheaper, less gain on
         * motion blur), lower sends more (0: every clean measurable face), {@code Double.POSITIVE_INFINITY} none.
         * Only with {@code modelChoice(AUTO)}.
         *
         * @param anisotropy the threshold, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if {@code anisotropy} is NaN or negative
         */
        public Builder autoMotionThreshold(double anisotropy) {
            if (Double.isNaN(anisotropy) || anisotropy < 0) {
                throw new IllegalArgumentException("autoMotionThreshold must be >= 0, got " + anisotropy);
            }
            this.motionThreshold = anisotropy;
            return this;
        }

        /**
         * Selects the backend by provider name; takes precedence over {@value #BACKEND_PROPERTY}.
         * {@code "auto"} selects the highest-priority available backend, ignoring the property.
         *
         * @param name backend name, e.g. {@code "onnx"} or {@code "cpu"} (case-insensitive)
         * @return this builder
         * @throws NullPointerException     if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder backend(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("backend name must not be blank");
            }
            this.backend = name.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        /**
         * Selects the device. Default {@link Device#AUTO}.
         *
         * @param device the device
         * @return this builder
         * @throws NullPointerException if {@code device} is null
         */
        public Builder device(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Sets the number of CPU threads a backend may use per call, the calling thread included: one face splits
         * its work over them, {@link Deblurrer#deblurAll(List)} runs one whole face per thread. Default
         * {@code min(availableProcessors, 4)}. With many caller threads of your own, {@code threads(1)} avoids
         * oversubscribing the cores.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code threads < 1}
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Uses an SMFD-UNet ONNX file instead of the bundled model.
         *
         * @param onnxFile path to an existing {@code .onnx} file
         * @return this builder
         * @throws NullPointerException   if {@code onnxFile} is null
         * @throws ModelException        {@link SmfdException.Reason#MODEL_NOT_FOUND MODEL_NOT_FOUND} if the file does not
         *                                exist or is not a regular file
         */
        public Builder model(Path onnxFile) {
            Objects.requireNonNull(onnxFile, "onnxFile");
            if (!Files.isRegularFile(onnxFile)) {
                throw new ModelException(Reason.MODEL_NOT_FOUND, "Model file not found or not a regular file: "
                        + onnxFile.toAbsolutePath() + ". Pass an existing SMFD-UNet .onnx file, or omit model(...)"
                        + " to use the bundled model (io.smfd:smfd-model).");
            }
            this.model = ModelSource.file(onnxFile);
            return this;
        }

        /**
         * Selects a backend, loads the model and returns a ready deblurrer.
         *
         * @return a new deblurrer the caller must close
         * @throws BackendUnavailableException if the requested backend is missing or unavailable, or no
         *                                     backend is usable (the message lists what was found and why)
         * @throws ModelException              if the model is missing, corrupt or incompatible; with
         *                                     {@link ModelChoice#MAXIM} or {@link ModelChoice#AUTO}, reason
         *                                     {@link SmfdException.Reason#MODEL_NOT_FOUND MODEL_NOT_FOUND} naming
         *                                     {@code io.smfd:smfd-model-maxim} when that artifact is absent
         * @throws BackendUnavailableException also if MAXIM or AUTO is chosen and the backend named cannot run
         *                                     MAXIM (the pure-Java {@code cpu} backend); automatic selection then
         *                                     picks one that can
         * @throws IllegalStateException       if {@link #autoMotionThreshold(double)} was set but the choice is not
         *                                     {@link ModelChoice#AUTO}, or {@link #passThroughBelow(double)} was set
         *                                     but the policy is {@link SharpFacePolicy#DEBLUR}
         */
        public Deblurrer build() {
            if (motionThreshold != null && modelChoice != ModelChoice.AUTO) {
                throw new IllegalStateException("autoMotionThreshold(" + motionThreshold + ") applies to"
                        + " modelChoice(AUTO) only, but the choice is " + modelChoice);
            }
            if (passThreshold != null && sharpFaces != SharpFacePolicy.PASS_THROUGH) {
                throw new IllegalStateException("passThroughBelow(" + passThreshold + ") applies to"
                        + " sharpFaces(PASS_THROUGH) only, but the policy is " + sharpFaces);
            }
            Routing routing = new Routing(modelChoice,
                    motionThreshold == null ? ModelChoice.DEFAULT_MOTION_THRESHOLD : motionThreshold,
                    passThreshold == null ? BlurAssessment.THRESHOLD : passThreshold);
            return BackendSelector.open(backend, BackendConfig.of(device, threads, model), sharpFaces, routing);
        }
    }
}
