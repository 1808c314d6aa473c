package io.smfd.eval;

import io.smfd.*;
import java.io.*;
import java.nio.file.*;
import java.util.*;

public class Verify {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        List<String> names = Files.readAllLines(Path.of(a[1]));
        try (Deblurrer d = Deblurrer.builder().sharpFaces(SharpFacePolicy.DEBLUR).backend("onnx").threads(1).build();
             PrintWriter w = new PrintWriter(new FileWriter(a[2]))) {
            w.println("name,severity,extent,psnr_change");
            for (String n : names) {
                String[] p = n.substring(0, n.length() - 4).split("_");
                String[] wh = p[p.length - 1].split("x");
                FaceImage in = FaceImage.fromRgbBytes(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), Files.readAllBytes(dir.resolve(n)));
                BlurAssessment s = d.assess(in);
                FaceImage out = Evaluation.quantise8(d.deblur(in));
                w.printf(Locale.ROOT, "%s,%.6f,%.4f,%.4f%n", n, s.severity(), s.extentPixels(), Math.min(100, ImageMetrics.psnrRgb(out, in)));
                w.flush();
            }
        }
    }
}
