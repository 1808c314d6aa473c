package io.smfd.internal;

import io.smfd.BlurAssessment;
import io.smfd.DeblurResult;
import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.FaceMasks;
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
 * [0, 1] and builds {@link FaceImage}/{@link FaceMasks}. Thread-safe; close waits for running calls.
 */
public final class DefaultDeblurrer implements Deblurrer {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultDeblurrer.class);

    /** Upper bound of pixels (N*H*W) per backend call, bounding the input tensor to ~48 MiB. */
    static final long MAX_BATCH_PIXELS = 4L * 1024 * 1024;
    /** Upper bound of images per backend call. */
    static final int MAX_BATCH = 16;
    /** The policy of {@code Deblurrer.builder()}: {@link SharpFacePolicy#PASS_THROUGH}. */
    public static final SharpFacePolicy DEFAULT_POLICY = SharpFacePolicy.PASS_THROUGH;

    private final String name;
    private final InferenceBackend backend;
    private final ModelMetadata info;
    private final ModelInfo model;
    private final Device device;
    private final SharpFacePolicy sharpFaces;
    private final BlurCalibration calibration;
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
        FaceImage[] out = new FaceImage[images.size()];
        List<FaceImage> blurred = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            FaceImage img = images.get(i);
            if (sharpFaces == SharpFacePolicy.DEBLUR || BlurEstimator.assess(img, calibration).needsDeblurring()) {
                blurred.add(img);
                where.add(i);
            } else {
                out[i] = img; // passed through: the very instance, bit-exact
            }
        }
        if (!blurred.isEmpty()) {
            List<Result> results = run(blurred, false);
            for (int j = 0; j < results.size(); j++) {
                out[where.get(j)] = results.get(j).image();
            }
        }
        return List.of(out);
    }

    @Override
    public List<DeblurResult> deblurAllWithResults(List<FaceImage> images) {
        Objects.requireNonNull(images, "images");
        for (int i = 0; i < images.size(); i++) {
            Objects.requireNonNull(images.get(i), "images[" + i + "]");
        }
        ensureOpen();
        BlurAssessment[] assessed = new BlurAssessment[images.size()];
        List<FaceImage> blurred = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < assessed.length; i++) {
            assessed[i] = BlurEstimator.assess(images.get(i), calibration);
            if (deblurs(assessed[i])) {
                blurred.add(images.get(i));
                where.add(i);
            }
        }
        DeblurResult[] out = new DeblurResult[assessed.length];
        List<Result> results = blurred.isEmpty() ? List.of() : run(blurred, false);
        for (int j = 0; j < results.size(); j++) {
            int i = where.get(j);
            out[i] = new DeblurResult(results.get(j).image(), Optional.empty(), assessed[i], true);
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = new DeblurResult(images.get(i), Optional.empty(), assessed[i], false);
            }
        }
        return List.of(out);
    }

    private boolean deblurs(BlurAssessment a) {
        return sharpFaces == SharpFacePolicy.DEBLUR || a.needsDeblurring();
    }

    @Override
    public DeblurResult deblurWithMasks(FaceImage image) {
        Objects.requireNonNull(image, "image");
        ensureOpen();
        BlurAssessment a = BlurEstimator.assess(image, calibration);
        Result r = run(List.of(image), true).get(0); // masks are wanted either way
        boolean deblur = deblurs(a);
        return new DeblurResult(deblur ? r.image() : image, r.masks(), a, deblur);
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
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Deblurrer[backend=" + name + ", device=" + device + ", model=" + model.name() + " " + model.version()
                + ", sharpFaces=" + sharpFaces + "]";
    }

    private record Result(FaceImage image, FaceMasks masks) {
    }

    private List<Result> run(List<FaceImage> images, boolean withMasks) {
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
                int chunk = batchSize(padded(first.height()), padded(first.width()));
                for (int from = 0; from < group.size(); from += chunk) {
                    List<Integer> part = group.subList(from, Math.min(group.size(), from + chunk));
                    runBatch(images, part, withMasks, results);
                }
            }
            return Arrays.asList(results);
        } finally {
            lock.readLock().unlock();
        }
    }

    private int padded(int size) {
        int m = info.sizeMultiple();
        return (size + m - 1) / m * m;
    }

    static int batchSize(int paddedHeight, int paddedWidth) {
        long perImage = (long) paddedHeight * paddedWidth;
        return (int) Math.max(1, Math.min(MAX_BATCH, MAX_BATCH_PIXELS / perImage));
    }

    private void runBatch(List<FaceImage> images, List<Integer> indices, boolean withMasks, Result[] results) {
        int h = images.get(indices.get(0)).height();
        int w = images.get(indices.get(0)).width();
        int ph = padded(h);
        int pw = padded(w);
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
