"""Reference implementation of the SMFD randomized degradation spec (spec version 1).

This module is the Python twin of the Java ``io.smfd.degrade`` package.  Both draw every
*kernel* parameter from the same SplitMix64 stream in the same order, so for a given seed they
produce the same blur kernel (checked by a cross-language test in smfd-api, which runs
``python3 training/degrade.py kernels ...``).  The image-level steps after the kernel
(down-up scaling, noise realisation, JPEG) use the parameters drawn from that same stream; the
noise realisation and the JPEG encoder are library-specific, so images are equal in distribution,
not bit for bit.

Draw order (spec v1), from ``SplitMix64(seed)``:
  1. family: u < 0.35 trajectory, < 0.55 linear, < 0.80 gaussian, else defocus
  2. family parameters (see the ``_sample_*`` functions; each ``grid`` is one draw)
  3. family random path (trajectory only)
  4. scale: bernoulli(0.2) then grid factor; order: bernoulli(0.5) (noise before scale)
  5. noise: bernoulli(0.7) then bernoulli(0.6) gaussian else poisson, then its level
  6. jpeg: bernoulli(0.6) then quality
  7. one 64-bit sub-seed for the noise realisation
"""
import math
import sys

import numpy as np

MASK64 = (1 << 64) - 1
SPEC_VERSION = 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * (1.0 / (1 << 53))

    def randint(self, lo, hi):
        """Uniform integer in [lo, hi] (inclusive)."""
        return lo + min(int(self.uniform() * (hi - lo + 1)), hi - lo)

    def grid(self, lo, hi, step):
        """One of lo, lo+step, ..., hi (n = round((hi-lo)/step)+1 levels)."""
        n = int(round((hi - lo) / step)) + 1
        return lo + step * self.randint(0, n - 1)

    def normal(self):
        u1 = self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)

    def bernoulli(self, p):
        return self.uniform() < p


def _splat(points, k):
    """Bilinear splat of (x, y) points onto a k x k grid (subpixel rendering), normalised."""
    ker = np.zeros((k, k), dtype=np.float64)
    for x, y in points:
        x0 = math.floor(x)
        y0 = math.floor(y)
        fx = x - x0
        fy = y - y0
        for yy, wy in ((y0, 1.0 - fy), (y0 + 1, fy)):
            for xx, wx in ((x0, 1.0 - fx), (x0 + 1, fx)):
                w = wx * wy
                if w > 0.0:
                    ker[yy, xx] += w
    return ker / ker.sum()


def _trajectory(rng, p):
    """Boracchi & Foi (2012) random camera-shake trajectory rendered as a PSF."""
    k = p["size"]
    n = 400
    length = p["length"] * (k - 1)
    step = length / (n - 1)
    a = math.radians(p["angle"])
    vx, vy = math.cos(a) * step, math.sin(a) * step
    xs, ys = [0.0], [0.0]
    x, y = 0.0, 0.0
    anx, cen, gsh, pbig = p["anxiety"], p["centripetal"], p["shake"], p["impulse"]
    for _ in range(n - 1):
        jx = jy = 0.0
        if rng.uniform() < pbig * anx * 10.0:  # impulsive jerk: reverse-ish direction
            t = math.pi + (rng.uniform() - 0.5)
            c, s = math.cos(t), math.sin(t)
            jx, jy = 2.0 * (vx * c - vy * s), 2.0 * (vx * s + vy * c)
        gx = rng.normal()
        gy = rng.normal()
        dvx = jx + anx * (gsh * gx - cen * x) * step
        dvy = jy + anx * (gsh * gy - cen * y) * step
        vx += dvx
        vy += dvy
        norm = math.hypot(vx, vy)
        if norm > 0.0:
            vx, vy = vx / norm * step, vy / norm * step
        x += vx
        y += vy
        xs.append(x)
        ys.append(y)
    m = max(2, int(math.floor(p["exposure"] * n)))
    xs, ys = xs[:m], ys[:m]
    mx = sum(xs) / m
    my = sum(ys) / m
    half = (k - 1) / 2.0
    ext = max(max(abs(v - mx) for v in xs), max(abs(v - my) for v in ys))
    scale = 1.0 if ext <= half - 1.0 else (half - 1.0) / ext
    pts = [(half + (xs[i] - mx) * scale, half + (ys[i] - my) * scale) for i in range(m)]
    return _splat(pts, k)


def _linear(p):
    ln = p["length"]
    a = math.radians(p["angle"])
    half = ln / 2.0
    c = int(math.floor(half + 1.0))
    k = 2 * c + 1
    m = max(2, int(math.ceil(ln * 8.0)) + 1)
    pts = []
    for i in range(m):
        t = -half + ln * i / (m - 1)
        pts.append((c + t * math.cos(a), c + t * math.sin(a)))
    return _splat(pts, k)


def _gaussian(p):
    s1, s2, th = p["sigma1"], p["sigma2"], math.radians(p["theta"])
    r = int(math.ceil(3.0 * max(s1, s2)))
    k = 2 * r + 1
    c, s = math.cos(th), math.sin(th)
    # inverse covariance of R diag(s1^2, s2^2) R^T
    a = c * c / (s1 * s1) + s * s / (s2 * s2)
    b = c * s * (1.0 / (s1 * s1) - 1.0 / (s2 * s2))
    d = s * s / (s1 * s1) + c * c / (s2 * s2)
    ker = np.zeros((k, k), dtype=np.float64)
    for iy in range(k):
        for ix in range(k):
            x = ix - r
            y = iy - r
            ker[iy, ix] = math.exp(-0.5 * (a * x * x + 2.0 * b * x * y + d * y * y))
    return ker / ker.sum()


def _defocus(p):
    rad = p["radius"]
    r = int(math.ceil(rad))
    k = 2 * r + 1
    ss = 8
    ker = np.zeros((k, k), dtype=np.float64)
    r2 = rad * rad
    for iy in range(k):
        for ix in range(k):
            cnt = 0
            for sy in range(ss):
                y = iy - r - 0.5 + (sy + 0.5) / ss
                for sx in range(ss):
                    x = ix - r - 0.5 + (sx + 0.5) / ss
                    if x * x + y * y <= r2:
                        cnt += 1
            ker[iy, ix] = cnt
    return ker / ker.sum()


def sample(seed):
    """Draw one degradation (spec v1). Returns a dict with 'family', 'params', 'kernel' and the
    post-blur steps."""
    rng = SplitMix64(seed)
    u = rng.uniform()
    if u < 0.35:
        fam = "trajectory"
        p = {
            "size": 2 * rng.randint(4, 15) + 1,  # 9..31
            "length": rng.grid(0.5, 1.0, 0.05),
            "angle": rng.grid(0, 359, 1),
            "anxiety": rng.grid(0.005, 0.1, 0.005),
            "impulse": rng.grid(0.0, 0.2, 0.02),
            "shake": rng.grid(1.0, 10.0, 0.5),
            "centripetal": rng.grid(0.0, 0.7, 0.05),
            "exposure": rng.grid(0.5, 1.0, 0.05),
        }
        ker = _trajectory(rng, p)
    elif u < 0.55:
        fam = "linear"
        p = {"length": rng.grid(2.0, 30.0, 0.5), "angle": rng.grid(0, 179, 1)}
        ker = _linear(p)
    elif u < 0.80:
        fam = "gaussian"
        if rng.bernoulli(0.5):
            s = rng.grid(0.5, 4.0, 0.1)
            p = {"sigma1": s, "sigma2": s, "theta": 0}
        else:
            p = {"sigma1": rng.grid(0.5, 4.0, 0.1), "sigma2": rng.grid(0.5, 4.0, 0.1),
                 "theta": rng.grid(0, 179, 1)}
        ker = _gaussian(p)
    else:
        fam = "defocus"
        p = {"radius": rng.grid(1.0, 8.0, 0.25)}
        ker = _defocus(p)
    d = {"family": fam, "params": p, "kernel": ker}
    d["scale"] = rng.grid(0.5, 0.9, 0.05) if rng.bernoulli(0.2) else None
    d["noise_first"] = rng.bernoulli(0.5)
    if rng.bernoulli(0.7):
        if rng.bernoulli(0.6):
            d["noise"] = ("gaussian", rng.grid(1.0, 15.0, 1.0) / 255.0)
        else:
            d["noise"] = ("poisson", rng.grid(100.0, 1000.0, 50.0))
    else:
        d["noise"] = None
    d["jpeg"] = rng.randint(40, 95) if rng.bernoulli(0.6) else None
    d["subseed"] = rng.next()
    return d


def main(argv):
    # python3 degrade.py kernels SEED [SEED ...]: one line per seed:
    # seed family k v0 v1 ... (row-major, repr floats)
    if len(argv) >= 2 and argv[0] == "kernels":
        for s in argv[1:]:
            d = sample(int(s))
            ker = d["kernel"]
            vals = " ".join(repr(float(v)) for v in ker.ravel())
            print(f"{s} {d['family']} {ker.shape[0]} {vals}")
        return 0
    print("usage: degrade.py kernels SEED...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
