package io.smfd.eval;

import io.smfd.FaceImage;
import io.smfd.degrade.Degradation;
import io.smfd.degrade.DegradationPipeline;
import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

public class Dump {
    public static void main(String[] a) throws Exception {
        FaceDataset ds = new FaceDataset(Path.of(a[0]), "train");
        Path out = Path.of(a[1]);
        int step = 2;
        List<Object[]> jobs = new ArrayList<>();
        int k = 0;
        for (int id = 0; id <= 4299; id += step, k++) {
            jobs.add(new Object[]{id, AssessmentCalibration.conditionOf(k), AssessmentCalibration.geometryOf(k), AssessmentCalibration.cellOf(k)});
        }
        if (a.length > 2) { jobs.clear(); int q = 0;
            for (int id = 1; id <= 4299; id += 2, q++) jobs.add(new Object[]{id, AssessmentCalibration.Condition.MATRIX, DeploymentMatrix.Geometry.values()[q % 3], 8 + (q / 3) % 4});
            for (int id = 1; id <= 4299; id += 2) for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values())
                jobs.add(new Object[]{id, AssessmentCalibration.Condition.SHARP, g, -1});
        } else
        for (int id = 0; id <= 4299; id += 2) for (DeploymentMatrix.Geometry g : DeploymentMatrix.Geometry.values())
            jobs.add(new Object[]{id, AssessmentCalibration.Condition.SHARP, g, -1});
        ExecutorService pool = Executors.newFixedThreadPool(1);
        List<Future<?>> fs = new ArrayList<>();
        for (Object[] j : jobs) fs.add(pool.submit(() -> { write(ds, out, (int) j[0], (AssessmentCalibration.Condition) j[1], (DeploymentMatrix.Geometry) j[2], (int) j[3]); return null; }));
        for (Future<?> f : fs) f.get();
        pool.shutdown();
    }
    static void write(FaceDataset ds, Path out, int id, AssessmentCalibration.Condition c, DeploymentMatrix.Geometry g, int cell) throws IOException {
        FaceImage sharp256 = Evaluation.quantise8(ds.image(id));
        FaceImage input;
        if (c == AssessmentCalibration.Condition.SHARP) input = g.frame(sharp256);
        else {
            Degradation deg;
            if (c == AssessmentCalibration.Condition.MATRIX) {
                DeploymentMatrix.Blur blur = DeploymentMatrix.blurs().get(cell / 2);
                deg = (cell % 2 == 1 ? blur.noisy() : blur.clean()).sample(AssessmentCalibration.SEED_BASE + 1000L * blur.index() + id);
            } else {
                DegradationPipeline p = switch (c) { case MILD -> AssessmentCalibration.MILD; case MOTION -> AssessmentCalibration.MOTION; default -> DegradationPipeline.defaults(); };
                deg = p.sample(AssessmentCalibration.SEED_BASE + id);
            }
            input = g.frame(Evaluation.quantise8(deg.applyTo(sharp256)));
        }
        String name = id + "_" + c + "_" + g + "_" + cell + "_" + input.width() + "x" + input.height() + ".rgb";
        Files.write(out.resolve(name), input.toRgbBytes());
    }
}
