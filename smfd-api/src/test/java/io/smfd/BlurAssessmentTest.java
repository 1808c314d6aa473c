package io.smfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlurAssessmentTest {

    @Test
    void needsDeblurringExactlyFromTheThreshold() {
        assertThat(BlurAssessment.of(BlurAssessment.THRESHOLD, 2.0).needsDeblurring()).isTrue();
        assertThat(BlurAssessment.of(Math.nextDown(BlurAssessment.THRESHOLD), 2.0).needsDeblurring()).isFalse();
        assertThat(BlurAssessment.of(0, 0).needsDeblurring()).isFalse();
        assertThat(BlurAssessment.of(1, 0).needsDeblurring()).isTrue();
    }

    @Test
    void keepsItsValuesAndComparesByValue() {
        BlurAssessment a = BlurAssessment.of(0.75, 3.25);
        assertThat(a.severity()).isEqualTo(0.75);
        assertThat(a.extentPixels()).isEqualTo(3.25);
        assertThat(a).isEqualTo(BlurAssessment.of(0.75, 3.25)).hasSameHashCodeAs(BlurAssessment.of(0.75, 3.25));
        assertThat(a).isNotEqualTo(BlurAssessment.of(0.75, 3.5)).isNotEqualTo(BlurAssessment.of(0.7, 3.25));
        assertThat(BlurAssessment.of(-0.0, -0.0)).isEqualTo(BlurAssessment.of(0.0, 0.0));
        assertThat(a.toString()).isEqualTo("BlurAssessment[severity=0.75, extent=3.3 px, ISOTROPIC, anisotropy=0.00,"
                + " noise=0.0, needsDeblurring=true]");
        assertThat(a.kind()).isEqualTo(BlurAssessment.Kind.ISOTROPIC);
        BlurAssessment m = BlurAssessment.of(0.75, 3.25, BlurAssessment.Kind.DIRECTIONAL, 1.5, 4.0);
        assertThat(m.kind()).isEqualTo(BlurAssessment.Kind.DIRECTIONAL);
        assertThat(m.anisotropy()).isEqualTo(1.5);
        assertThat(m.noiseSigma()).isEqualTo(4.0);
        assertThat(m).isNotEqualTo(a).isEqualTo(BlurAssessment.of(0.75, 3.25, BlurAssessment.Kind.DIRECTIONAL, 1.5, 4.0));
        assertThat(m).isNotEqualTo(BlurAssessment.of(0.75, 3.25, BlurAssessment.Kind.DIRECTIONAL, 1.5, 4.5));
    }

    @Test
    void extentIsCappedWhereItStopsMeaningSomething() {
        assertThat(BlurAssessment.of(1, BlurAssessment.MAX_EXTENT_PIXELS).extentPixels()).isEqualTo(16.0);
        assertThatThrownBy(() -> BlurAssessment.of(1, 22025.466))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extentPixels");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.5, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsBadAnisotropyAndNoise(double v) {
        assertThatThrownBy(() -> BlurAssessment.of(0.5, 1, BlurAssessment.Kind.ISOTROPIC, v, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("anisotropy");
        assertThatThrownBy(() -> BlurAssessment.of(0.5, 1, BlurAssessment.Kind.ISOTROPIC, 0, v))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("noiseSigma");
        assertThatThrownBy(() -> BlurAssessment.of(0.5, 1, null, 0, 0)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void rejectsSeverityOutsideTheUnitInterval(double severity) {
        assertThatThrownBy(() -> BlurAssessment.of(severity, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("severity");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.5, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsNegativeOrNonFiniteExtent(double extent) {
        assertThatThrownBy(() -> BlurAssessment.of(0.5, extent))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extentPixels");
    }
}
