package io.smfd.degrade;

/**
 * Kernel rendering of spec v1, a line-by-line port of {@code training/degrade.py}. All kernels
 * are row-major {@code k x k} double arrays, non-negative, summing to 1.
 */
final class Kernels {
    /** Points of a trajectory (spec: n = 400). */
    static final int TRAJECTORY_POINTS = 400;
    private static final double DEG = Math.PI / 180.0;

    private Kernels() {
    }

    /** Bilinear splat of points (x[i], y[i]) onto a k x k grid, normalised to sum 1. */
    static double[] splat(double[] xs, double[] ys, int count, int k) {
        double[] ker = new double[k * k];
        for (int i = 0; i < count; i++) {
            double x = xs[i];
            double y = ys[i];
            double x0 = Math.floor(x);
            double y0 = Math.floor(y);
            double fx = x - x0;
            double fy = y - y0;
            int ix = (int) x0;
            int iy = (int) y0;
            add(ker, k, iy, ix, (1.0 - fy) * (1.0 - fx));
            add(ker, k, iy, ix + 1, (1.0 - fy) * fx);
            add(ker, k, iy + 1, ix, fy * (1.0 - fx));
            add(ker, k, iy + 1, ix + 1, fy * fx);
        }
        return normalise(ker);
    }

    private static void add(double[] ker, int k, int yy, int xx, double w) {
        if (w > 0.0) {
            ker[yy * k + xx] += w;
        }
    }

    static double[] normalise(double[] ker) {
        double sum = 0.0;
        for (double v : ker) {
            sum += v;
        }
        for (int i = 0; i < ker.length; i++) {
            ker[i] /= sum;
        }
        return ker;
    }

    /** Boracchi and Foi (2012) random camera-shake trajectory rendered as a PSF. */
    static double[] trajectory(SplitMix64 rng, int k, double lengthFrac, double angleDeg,
                               double anxiety, double impulse, double shake, double centripetal,
                               double exposure) {
        final int n = TRAJECTORY_POINTS;
        double length = lengthFrac * (k - 1);
        double step = length / (n - 1);
        double a = angleDeg * DEG;
        double vx = Math.cos(a) * step;
        double vy = Math.sin(a) * step;
        double[] xs = new double[n];
        double[] ys = new double[n];
        double x = 0.0;
        double y = 0.0;
        double jerkP = impulse * anxiety * 10.0;
        for (int i = 1; i < n; i++) {
            double jx = 0.0;
            double jy = 0.0;
            if (rng.uniform() < jerkP) { // impulsive jerk: reverse-ish direction
                double t = Math.PI + (rng.uniform() - 0.5);
                double c = Math.cos(t);
                double s = Math.sin(t);
                jx = 2.0 * (vx * c - vy * s);
                jy = 2.0 * (vx * s + vy * c);
            }
            double gx = rng.normal();
            double gy = rng.normal();
            double dvx = jx + anxiety * (shake * gx - centripetal * x) * step;
            double dvy = jy + anxiety * (shake * gy - centripetal * y) * step;
            vx += dvx;
            vy += dvy;
            double norm = Math.hypot(vx, vy);
            if (norm > 0.0) {
                vx = vx / norm * step;
                vy = vy / norm * step;
            }
            x += vx;
            y += vy;
            xs[i] = x;
            ys[i] = y;
        }
        int m = Math.max(2, (int) Math.floor(exposure * n));
        double sx = 0.0;
        double sy = 0.0;
        for (int i = 0; i < m; i++) {
            sx += xs[i];
        }
        for (int i = 0; i < m; i++) {
            sy += ys[i];
        }
        double mx = sx / m;
        double my = sy / m;
        double half = (k - 1) / 2.0;
        double ex = 0.0;
        double ey = 0.0;
        for (int i = 0; i < m; i++) {
            ex = Math.max(ex, Math.abs(xs[i] - mx));
            ey = Math.max(ey, Math.abs(ys[i] - my));
        }
        double ext = Math.max(ex, ey);
        double scale = ext <= half - 1.0 ? 1.0 : (half - 1.0) / ext;
        double[] px = new double[m];
        double[] py = new double[m];
        for (int i = 0; i < m; i++) {
            px[i] = half + (xs[i] - mx) * scale;
            py[i] = half + (ys[i] - my) * scale;
        }
        return splat(px, py, m, k);
    }

    /** Size of the linear kernel for a given length. */
    static int linearSize(double length) {
        return 2 * (int) Math.floor(length / 2.0 + 1.0) + 1;
    }

    static double[] linear(double length, double angleDeg) {
        double a = angleDeg * DEG;
        double half = length / 2.0;
        int c = (int) Math.floor(half + 1.0);
        int k = 2 * c + 1;
        int m = Math.max(2, (int) Math.ceil(length * 8.0) + 1);
        double[] px = new double[m];
        double[] py = new double[m];
        double ca = Math.cos(a);
        double sa = Math.sin(a);
        for (int i = 0; i < m; i++) {
            double t = -half + length * i / (m - 1);
            px[i] = c + t * ca;
            py[i] = c + t * sa;
        }
        return splat(px, py, m, k);
    }

    static int gaussianSize(double sigma1, double sigma2) {
        return 2 * (int) Math.ceil(3.0 * Math.max(sigma1, sigma2)) + 1;
    }

    static double[] gaussian(double s1, double s2, double thetaDeg) {
        double th = thetaDeg * DEG;
        int r = (int) Math.ceil(3.0 * Math.max(s1, s2));
        int k = 2 * r + 1;
        double c = Math.cos(th);
        double s = Math.sin(th);
        // inverse covariance of R diag(s1^2, s2^2) R^T
        double a = c * c / (s1 * s1) + s * s / (s2 * s2);
        double b = c * s * (1.0 / (s1 * s1) - 1.0 / (s2 * s2));
        double d = s * s / (s1 * s1) + c * c / (s2 * s2);
        double[] ker = new double[k * k];
        for (int iy = 0; iy < k; iy++) {
            for (int ix = 0; ix < k; ix++) {
                double x = ix - r;
                double y = iy - r;
                ker[iy * k + ix] = Math.exp(-0.5 * (a * x * x + 2.0 * b * x * y + d * y * y));
            }
        }
        return normalise(ker);
    }

    static int defocusSize(double radius) {
        return 2 * (int) Math.ceil(radius) + 1;
    }

    static double[] defocus(double rad) {
        int r = (int) Math.ceil(rad);
        int k = 2 * r + 1;
        final int ss = 8;
        double[] ker = new double[k * k];
        double r2 = rad * rad;
        for (int iy = 0; iy < k; iy++) {
            for (int ix = 0; ix < k; ix++) {
                int cnt = 0;
                for (int sy = 0; sy < ss; sy++) {
                    double y = iy - r - 0.5 + (sy + 0.5) / ss;
                    for (int sx = 0; sx < ss; sx++) {
                        double x = ix - r - 0.5 + (sx + 0.5) / ss;
                        if (x * x + y * y <= r2) {
                            cnt++;
                        }
                    }
                }
                ker[iy * k + ix] = cnt;
            }
        }
        return normalise(ker);
    }
}
