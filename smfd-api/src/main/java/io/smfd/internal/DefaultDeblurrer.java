package io.smfd.internal;

import io.smfd.BlurAssessment;
import io.smfd.DeblurModel;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.FaceMasks;
import io.smfd.ModelChoice;
import io.smfd.ModelInfo;
import io.smfd.SharpFacePolicy;
import io.smfd.SmfdException.Reason;
import io.smfd.SmfdException;
import io.smfd.spi.InferenceBackend;
import io.smfd.spi.ModelMetadata;
import io.smfd.spi.ModelOutputs;
import io.smfd.spi.ModelSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared pipeline around an {@link InferenceBackend}: assesses blur ({@link BlurEstimator}) and, under
 * {@link SharpFacePolicy#PASS_THROUGH}, returns faces that do not need deblurring unchanged; reflect-pads the
 * rest to the model's size multiple, batches same-size images, runs the backend, crops back, clamps to
 * [0, 1] and builds {@link FaceImage}/{@link FaceMasks}. With a second, image-only backend (MAXIM) it routes each
 * face to SMFD or MAXIM by its {@link Routing}; SMFD still assesses faces and gives the masks. Thread-safe; close
 * waits for running calls.
 */
public final class DefaultDeblurrer implements Deblurrer {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultDeblurrer.class);

    /** Upper bound of pixels (N*H*W) per backend call, bounding the input tensor to ~48 MiB. */
    static final long MAX_BATCH_PIXELS = 4L * 1024 * 1024;
    /** Upper bound of images per backend call. */
    static final int MAX_BATCH = 16;
    /** {@link ModelInfo#assessmentCalibration()} of MAXIM: faces are assessed (and routed) with SMFD's calibration. */
    static final String MAXIM_CALIBRATION = "none of its own: faces are assessed with SMFD-UNet's calibration";
    /** The policy of {@code Deblurrer.builder()}: {@link SharpFacePolicy#PASS_THROUGH}. */
    public static final SharpFacePolicy DEFAULT_POLICY = SharpFacePolicy.PASS_THROUGH;

    private final String name;
    private final InferenceBackend backend;
    private final ModelMetadata info;
    private final ModelInfo model;
    private final Device device;
    private final SharpFacePolicy sharpFaces;
    private final BlurCalibration calibration;
    private final InferenceBackend maxim; // null unless the routing uses MAXIM
    private final ModelMetadata maximMetadata;
    private final ModelInfo maximInfo;
    private final Routing routing;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    /**
     * Wraps a backend that runs on every face ({@link SharpFacePolicy#DEBLUR}); the deblurrer owns it and closes it.
     *
     * @param name    backend name
     * @param backend the backend
     * @param source  where the backend loaded the model from (its checksum goes into {@link #modelInfo()})
     * @throws io.smfd.ModelException if the model can no longer be read
     */
    public DefaultDeblurrer(String name, InferenceBackend backend, ModelSource source) {
        this(name, backend, source, SharpFacePolicy.DEBLUR);
    }

    /**
     * Wraps a backend with a policy for sharp faces; the deblurrer owns the backend and closes it.
     *
     * @param name       backend name
     * @param backend    the backend
     * @param source     where the backend loaded the model from (its checksum goes into {@link #modelInfo()})
     * @param sharpFaces what to do with faces that do not need deblurring
     * @throws io.smfd.ModelException if the model can no longer be read
     */
    public DefaultDeblurrer(String name, InferenceBackend backend, ModelSource source, SharpFacePolicy sharpFaces) {
        this(name, backend, source, sharpFaces, null, Routing.SMFD);
    }

    /**
     * Wraps an SMFD backend and, for a routing that uses MAXIM, a MAXIM backend; the deblurrer owns both.
     *
     * @param name       backend name
     * @param backend    the SMFD backend
     * @param source     where the SMFD backend loaded the model from
     * @param sharpFaces what to do with faces that do not need deblurring
     * @param maxim      the MAXIM backend (an image-only model, {@link ModelMetadata#imageOnly}); null iff the
     *                   routing does not use MAXIM
     * @param routing    which model deblurs which face
     * @throws IllegalArgumentException if {@code maxim} is null but the routing uses MAXIM (or the reverse), or the
     *                                  MAXIM backend declares mask classes
     * @throws io.smfd.ModelException   if a model can no longer be read
     */
    public DefaultDeblurrer(String name, InferenceBackend backend, ModelSource source, SharpFacePolicy sharpFaces,
                            InferenceBackend maxim, Routing routing) {
        this.routing = Objects.requireNonNull(routing, "routing");
        if ((maxim != null) != routing.choice().usesMaxim()) {
            throw new IllegalArgumentException("a MAXIM backend is needed exactly when the routing uses MAXIM: "
                    + routing + ", maxim=" + maxim);
        }
        this.maxim = maxim;
        if (maxim != null) {
            this.maximMetadata = Objects.requireNonNull(maxim.modelInfo(), "maxim.modelInfo()");
            if (!maximMetadata.classNames().isEmpty()) {
                throw new IllegalArgumentException("the MAXIM backend must describe an image-only model, got "
                        + maximMetadata);
            }
            ModelInfo m = ModelInfos.describe(maximMetadata, ModelSource.bundled(DeblurModel.MAXIM),
                    BlurCalibration.FALLBACK);
            this.maximInfo = new ModelInfo(m.name(), m.version(), m.sha256(), m.source(), m.classNames(),
                    m.sizeMultiple(), m.modelCard(), MAXIM_CALIBRATION);
        } else {
            this.maximMetadata = null;
            this.maximInfo = null;
        }
        this.sharpFaces = Objects.requireNonNull(sharpFaces, "sharpFaces");
        this.name = Objects.requireNonNull(name, "name");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.info = Objects.requireNonNull(backend.modelInfo(), "backend.modelInfo()");
        this.calibration = ModelInfos.calibration(Objects.requireNonNull(source, "source"));
        this.model = ModelInfos.describe(info, source, calibration);
        Device d = backend.device();
        this.device = d == null || d == Device.AUTO ? Device.CPU : d;
    }

    @Override
    public BlurAssessment assess(FaceImage image) {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        return BlurEstimator.assess(image, calibration);
    }

    @Override
    public FaceImage deblur(FaceImage image) {
        Objects.requireNonNull(image, "image");
        return deblurAll(List.of(image)).get(0);
    }

    @Override
    public List<FaceImage> deblurAll(List<FaceImage> images) {
        Objects.requireNonNull(images, "images");
        for (int i = 0; i < images.size(); i++) {
            Objects.requireNonNull(images.get(i), "images[" + i + "]");
        }
        ensureOpen();
        boolean assessAll = sharpFaces == SharpFacePolicy.PASS_THROUGH || routing.choice() == ModelChoice.AUTO;
        DeblurModel[] models = new DeblurModel[images.size()];
        for (int i = 0; i < models.length; i++) {
            FaceImage img = images.get(i);
            BlurAssessment a = assessAll ? BlurEstimator.assess(img, calibration) : null;
            models[i] = a == null ? routing.modelFor(BlurAssessment.of(1, 0), side(img)) : route(a, img);
        }
        FaceImage[] out = routed(images, models);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = images.get(i); // passed through: the very instance, bit-exact
            }
        }
        return List.of(out);
    }

    /** The model for a face with this assessment, or null if it is passed through. */
    private DeblurModel route(BlurAssessment a, FaceImage image) {
        return deblurs(a) ? routing.modelFor(a, side(image)) : null;
    }

    private static int side(FaceImage image) {
        return Math.min(image.width(), image.height());
    }

    /** Runs each face on its model (null: none); returns the outputs, null where no model ran. */
    private FaceImage[] routed(List<FaceImage> images, DeblurModel[] models) {
        FaceImage[] out = new FaceImage[images.size()];
        for (DeblurModel m : DeblurModel.values()) {
            List<FaceImage> part = new ArrayList<>();
            List<Integer> where = new ArrayList<>();
            for (int i = 0; i < models.length; i++) {
                if (models[i] == m) {
                    part.add(images.get(i));
                    where.add(i);
                }
            }
            if (!part.isEmpty()) {
                List<Result> results = run(m, part, false);
                for (int j = 0; j < results.size(); j++) {
                    out[where.get(j)] = results.get(j).image();
                }
            }
        }
        return out;
    }

    @Override
    public Optional<DeblurModel> modelFor(FaceImage image) {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        return Optional.ofNullable(route(BlurEstimator.assess(image, calibration), image));
    }

    @Override
    public List<DeblurResult> deblurAllWithResults(List<FaceImage> images) {
        Objects.requireNonNull(images, "images");
        for (int i = 0; i < images.size(); i++) {
            Objects.requireNonNull(images.get(i), "images[" + i + "]");
        }
        ensureOpen();
        BlurAssessment[] assessed = new BlurAssessment[images.size()];
        DeblurModel[] models = new DeblurModel[images.size()];
        for (int i = 0; i < assessed.length; i++) {
            assessed[i] = BlurEstimator.assess(images.get(i), calibration);
            models[i] = route(assessed[i], images.get(i));
        }
        FaceImage[] images2 = routed(images, models);
        DeblurResult[] out = new DeblurResult[assessed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = models[i] == null
                    ? new DeblurResult(images.get(i), Optional.empty(), assessed[i], Optional.empty())
                    : new DeblurResult(images2[i], Optional.empty(), assessed[i], Optional.of(models[i]));
        }
        return List.of(out);
    }

    private boolean deblurs(BlurAssessment a) {
        return sharpFaces == SharpFacePolicy.DEBLUR || routing.deblurs(a);
    }

    @Override
    public DeblurResult deblurWithMasks(FaceImage image) {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        BlurAssessment a = BlurEstimator.assess(image, calibration);
        Result r = run(DeblurModel.SMFD, List.of(image), true).get(0); // SMFD's masks are wanted either way
        DeblurModel m = route(a, image);
        FaceImage out = m == null ? image
                : m == DeblurModel.SMFD ? r.image() : run(m, List.of(image), false).get(0).image();
        return new DeblurResult(out, Optional.of(r.masks()), a, Optional.ofNullable(m));
    }

    @Override
    public ModelChoice modelChoice() {
        return routing.choice();
    }

    @Override
    public List<ModelInfo> models() {
        return maximInfo == null ? List.of(model) : List.of(model, maximInfo);
    }

    /**
     * Returns the motion threshold of {@link ModelChoice#AUTO} (tests, reports).
     *
     * @return the anisotropy from which AUTO sends a clean face to MAXIM
     */
    public double autoMotionThreshold() {
        return routing.motionThreshold();
    }

    /**
     * Returns the policy for faces that do not need deblurring.
     *
     * @return the policy this deblurrer was built with
     */
    public SharpFacePolicy sharpFaces() {
        return sharpFaces;
    }

    private void ensureOpen() {
        lock.readLock().lock();
        try {
            if (closed) {
                throw closedError();
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private SmfdException closedError() {
        return new SmfdException(Reason.CLOSED, "This Deblurrer (backend '" + name + "') is closed");
    }

    @Override
    public String backendName() {
        return name;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public ModelInfo modelInfo() {
        return model;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                backend.close();
            } catch (RuntimeException e) {
                LOG.warn("SMFD backend '{}' failed to close cleanly", name, e);
            }
            if (maxim != null) {
                try {
                    maxim.close();
                } catch (RuntimeException e) {
                    LOG.warn("SMFD backend '{}' failed to close its MAXIM session(s) cleanly", name, e);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Deblurrer[backend=" + name + ", device=" + device + ", model=" + model.name() + " " + model.version()
                + ", sharpFaces=" + sharpFaces + ", models=" + routing.choice() + "]";
    }

    private record Result(FaceImage image, FaceMasks masks) {
    }

    private List<Result> run(DeblurModel m, List<FaceImage> images, boolean withMasks) {
        InferenceBackend be = m == DeblurModel.SMFD ? backend : maxim;
        ModelMetadata md = m == DeblurModel.SMFD ? info : maximMetadata;
        lock.readLock().lock();
        try {
            if (closed) {
                throw closedError();
            }
            Result[] results = new Result[images.size()];
            Map<Long, List<Integer>> bySize = new LinkedHashMap<>();
            for (int i = 0; i < images.size(); i++) {
                FaceImage img = images.get(i);
                bySize.computeIfAbsent(((long) img.width() << 32) | img.height(), k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> group : bySize.values()) {
                FaceImage first = images.get(group.get(0));
                int chunk = batchSize(padded(first.height(), md), padded(first.width(), md));
                for (int from = 0; from < group.size(); from += chunk) {
                    List<Integer> part = group.subList(from, Math.min(group.size(), from + chunk));
                    runBatch(be, md, m, images, part, withMasks, results);
                }
            }
            return Arrays.asList(results);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static int padded(int size, ModelMetadata md) {
        int m = md.sizeMultiple();
        return (size + m - 1) / m * m;
    }

    static int batchSize(int paddedHeight, int paddedWidth) {
        long perImage = (long) paddedHeight * paddedWidth;
        return (int) Math.max(1, Math.min(MAX_BATCH, MAX_BATCH_PIXELS / perImage));
    }

    private void runBatch(InferenceBackend backend, ModelMetadata info, DeblurModel model, List<FaceImage> images,
                          List<Integer> indices, boolean withMasks, Result[] results) {
        String name = model == DeblurModel.SMFD ? this.name : this.name + "/" + model.displayName();
        int h = images.get(indices.get(0)).height();
        int w = images.get(indices.get(0)).width();
        int ph = padded(h, info);
        int pw = padded(w, info);
        int n = indices.size();
        int paddedPlane = ph * pw;
        float[] input = new float[n * 3 * paddedPlane];
        for (int b = 0; b < n; b++) {
            float[] src = images.get(indices.get(b)).toPlanarFloat();
            reflectPad(src, 3, h, w, input, b * 3 * paddedPlane, ph, pw);
        }
        ModelOutputs out;
        try {
            out = backend.infer(input, n, ph, pw);
        } catch (SmfdException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "SMFD backend '" + name + "' failed on a batch of " + n + " image(s) of "
                    + w + "x" + h + " (padded to " + pw + "x" + ph + "): " + e, e);
        }
        int k = info.classNames().size();
        if (out == null || out.batch() != n || out.height() != ph || out.width() != pw || out.classes() != k) {
            throw new SmfdException(Reason.INFERENCE_FAILED, "SMFD backend '" + name + "' returned " + out + " but [N=" + n + ", K=" + k
                    + ", H=" + ph + ", W=" + pw + "] was expected");
        }
        float[] outImage = out.image();
        float[] outMasks = out.masks();
        for (int b = 0; b < n; b++) {
            float[] img = crop(outImage, b * 3 * paddedPlane, 3, ph, pw, h, w);
            for (int i = 0; i < img.length; i++) {
                float v = img[i];
                if (Float.isNaN(v)) {
                    throw new SmfdException(Reason.INFERENCE_FAILED, "SMFD backend '" + name + "' produced NaN in its image output");
                }
                img[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
            }
            FaceImage image = FaceImage.fromPlanarFloat(w, h, img);
            FaceMasks masks = null;
            if (withMasks) {
                float[] m = crop(outMasks, b * k * paddedPlane, k, ph, pw, h, w);
                for (float v : m) {
                    if (!Float.isFinite(v)) {
                        throw new SmfdException(Reason.INFERENCE_FAILED, "SMFD backend '" + name + "' produced " + v + " in its mask output");
                    }
                }
                masks = FaceMasks.of(info.classNames(), w, h, m);
            }
            results[indices.get(b)] = new Result(image, masks);
        }
    }

    /**
     * Reflect-pads {@code channels} planes of {@code h x w} into {@code ph x pw} (numpy "reflect": the
     * edge pixel is not repeated), writing at {@code dst[dstOffset...]}.
     */
    static void reflectPad(float[] src, int channels, int h, int w, float[] dst, int dstOffset, int ph, int pw) {
        int[] xs = new int[pw];
        for (int x = 0; x < pw; x++) {
            xs[x] = reflect(x, w);
        }
        for (int c = 0; c < channels; c++) {
            int srcPlane = c * h * w;
            int dstPlane = dstOffset + c * ph * pw;
            for (int y = 0; y < ph; y++) {
                int srcRow = srcPlane + reflect(y, h) * w;
                int dstRow = dstPlane + y * pw;
                System.arraycopy(src, srcRow, dst, dstRow, w);
                for (int x = w; x < pw; x++) {
                    dst[dstRow + x] = src[srcRow + xs[x]];
                }
            }
        }
    }

    /** Maps an index in [0, infinity) onto [0, n) by mirror reflection without repeating the edge. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int r = i % period;
        return r < n ? r : period - r;
    }

    /** Copies the top-left {@code h x w} of {@code channels} planes of {@code ph x pw} starting at {@code offset}. */
    static float[] crop(float[] src, int offset, int channels, int ph, int pw, int h, int w) {
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, offset + c * ph * pw + y * pw, out, c * h * w + y * w, w);
            }
        }
        return out;
    }
}
