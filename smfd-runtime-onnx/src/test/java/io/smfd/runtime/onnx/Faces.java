package io.smfd.runtime.onnx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smfd.Deblurrer;
import io.smfd.Device;
import io.smfd.FaceImage;
import io.smfd.SharpFacePolicy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/** Test support: real faces from ../shared/data, the model file, blur and metrics. */
final class Faces {

    static final String MODEL_RESOURCE = "/io/smfd/model/smfd-unet.onnx";
    private static Path modelCopy;

    private Faces() {
    }

    /** {@code shared/data/celebamask-hq-mini} found by walking up from user.dir; null if absent. */
    static Path dataDir() {
        String prop = System.getProperty("smfd.data");
        if (prop != null) {
            Path p = Paths.get(prop);
            return Files.isDirectory(p) ? p : null;
        }
        for (Path d = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared/data/celebamask-hq-mini");
            if (Files.isDirectory(p.resolve("eval/images"))) {
                return p;
            }
        }
        return null;
    }

    /** Eval face {@code 4500 + i} (256x256); skips the test with a reason when the data is absent. */
    static FaceImage evalFace(int i) {
        Path dir = dataDir();
        assumeTrue(dir != null, "CelebAMask-HQ mini not found: place it at ../shared/data/celebamask-hq-mini"
                + " relative to the repository (or -Dsmfd.data=...)");
        Path file = dir.resolve("eval/images/" + (4500 + i) + ".jpg");
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IOException("not an image: " + file);
            }
            return FaceImage.fromBufferedImage(img);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model file (a temp copy of the bundled resource, so the file-model path is exercised too). */
    static synchronized Path modelFile() {
        if (modelCopy == null) {
            try (InputStream in = Faces.class.getResourceAsStream(MODEL_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(MODEL_RESOURCE + " not on the test class path (smfd-model)");
                }
                Path tmp = Files.createTempFile("smfd-unet-test", ".onnx");
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                modelCopy = tmp;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return modelCopy;
    }

    static byte[] modelBytes() {
        try {
            return Files.readAllBytes(modelFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A deblurrer on the {@code onnx} backend (ONNX Runtime) on the CPU device, with the given intra-op threads. */
    static Deblurrer onnxOnCpu(int threads) {
        return Deblurrer.builder().backend("onnx").device(Device.CPU).threads(threads).model(modelFile())
                .sharpFaces(SharpFacePolicy.DEBLUR).build(); // measure the network on every face
    }

    /** Top-left {@code w x h} crop. */
    static FaceImage crop(FaceImage f, int x0, int y0, int w, int h) {
        float[] src = f.toPlanarFloat();
        float[] out = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, c * f.width() * f.height() + (y0 + y) * f.width() + x0, out,
                        c * w * h + y * w, w);
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    /** Box-downsamples by an integer factor. */
    static FaceImage downsample(FaceImage f, int factor) {
        int w = f.width() / factor;
        int h = f.height() / factor;
        float[] src = f.toPlanarFloat();
        float[] out = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        for (int dx = 0; dx < factor; dx++) {
                            s += src[c * f.width() * f.height() + (y * factor + dy) * f.width() + x * factor + dx];
                        }
                    }
                    out[c * w * h + y * w + x] = Math.min(1f, s / (factor * factor));
                }
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    /** Separable Gaussian blur with reflect borders, sigma in pixels. */
    static FaceImage gaussianBlur(FaceImage f, double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = (float) Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        int w = f.width();
        int h = f.height();
        float[] src = f.toPlanarFloat();
        float[] tmp = new float[src.length];
        float[] out = new float[src.length];
        for (int c = 0; c < 3; c++) {
            int o = c * w * h;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int i = -r; i <= r; i++) {
                        s += k[i + r] * src[o + y * w + reflect(x + i, w)];
                    }
                    tmp[o + y * w + x] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int i = -r; i <= r; i++) {
                        s += k[i + r] * tmp[o + reflect(y + i, h) * w + x];
                    }
                    out[o + y * w + x] = Math.max(0f, Math.min(1f, s));
                }
            }
        }
        return FaceImage.fromPlanarFloat(w, h, out);
    }

    private static int reflect(int i, int n) {
        if (i < 0) {
            return -i;
        }
        return i >= n ? 2 * n - 2 - i : i;
    }

    /** PSNR in dB over all channels, peak 1. */
    static double psnr(FaceImage a, FaceImage b) {
        float[] x = a.toPlanarFloat();
        float[] y = b.toPlanarFloat();
        double se = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            se += d * d;
        }
        double mse = se / x.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1.0 / mse);
    }

    static double maxAbsDiff(FaceImage a, FaceImage b) {
        float[] x = a.toPlanarFloat();
        float[] y = b.toPlanarFloat();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    static double meanAbsDiff(FaceImage a, FaceImage b) {
        float[] x = a.toPlanarFloat();
        float[] y = b.toPlanarFloat();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs(x[i] - y[i]);
        }
        return s / x.length;
    }
}
