package io.smfd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smfd.eval.Evaluation.Method;
import io.smfd.eval.Evaluation.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link EvaluationResult} is immutable: it copies what it is given and hands out unmodifiable views. */
class EvaluationResultTest {

    @Test
    void copiesItsInputsAndIsUnmodifiable() {
        List<String> skipped = new ArrayList<>(List.of("4501: unreadable"));
        Map<Metric, Double> smfd = new EnumMap<>(Metric.class);
        smfd.put(Metric.PSNR_RGB, 29.5);
        Map<Method, Map<Metric, Double>> overall = new HashMap<>();
        overall.put(Method.SMFD, smfd);
        Map<Method, EvaluationResult.Identity> identity = new HashMap<>();
        identity.put(Method.SMFD, new EvaluationResult.Identity(2, 0.25, 0.2, 0.5, 1.0, 1.0, 0.5));
        Map<String, EvaluationResult.DoNoHarm> dnh = new LinkedHashMap<>();
        dnh.put("sharp", new EvaluationResult.DoNoHarm(2, 49.5, 0.997, 0.013, 0.018));
        EvaluationResult r = new EvaluationResult(Path.of("report.md"), Path.of("report.json"), 2, skipped, "m", 1.0,
                overall, identity, dnh, Optional.empty());

        skipped.clear();
        smfd.put(Metric.PSNR_RGB, 0.0);
        overall.remove(Method.SMFD);
        identity.clear();
        dnh.clear();

        assertThat(r.skipped()).containsExactly("4501: unreadable");
        assertThat(r.mean(Method.SMFD, Metric.PSNR_RGB)).isEqualTo(29.5);
        assertThat(r.mean(Method.SMFD, Metric.SSIM_Y)).isNaN();
        assertThat(r.mean(Method.WIENER, Metric.PSNR_RGB)).isNaN();
        assertThat(r.identity().get(Method.SMFD).meanDistance()).isEqualTo(0.25);
        assertThat(r.doNoHarm()).containsOnlyKeys("sharp");
        assertThatThrownBy(() -> r.skipped().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.overall().get(Method.SMFD).put(Metric.SSIM_Y, 1.0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.identity().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.doNoHarm().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsMissingPaths() {
        assertThatThrownBy(() -> new EvaluationResult(null, Path.of("r.json"), 0, List.of(), "-", Double.NaN,
                Map.of(), Map.of(), Map.of(), Optional.empty())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("reportMarkdown");
    }
}
