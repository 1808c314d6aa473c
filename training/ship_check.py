"""The ship rule of a stage, cell by cell of the deployment matrix (issue 26).

    /usr/bin/python3 training/ship_check.py REFERENCE_REPORT.json CANDIDATE_REPORT.json [MORE_CANDIDATES.json ...]

Reads ``smfd eval --matrix`` reports (``report.json``) of the released model and of candidates made on the same
faces (the same eval/ faces, or the same validation faces from ``val_matrix.py``) and prints, per cell, the
forced PSNR gain of the reference and each candidate's difference to it. A candidate passes when it gains on the
motion cells (linear and camera shake, on average) and loses no more than 0.1 dB PSNR, 0.005 mobileface and
0.005 dlib cosine distance in any other cell; cells that break this are marked ``!``. Exit status 0 when every
candidate passes, 1 otherwise.
"""
import json
import sys

MAX_PSNR_LOSS = 0.1
MAX_IDENTITY_LOSS = 0.005
MOTION = ("linear", "shake")


def cells(path):
    r = json.load(open(path))
    return {(c["geometry"], c["family"], c["strength"], c["noisy"]): c for c in r["deploymentMatrix"]["cells"]}


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    ref = cells(argv[1])
    cands = [cells(p) for p in argv[2:]]
    print(f"{'cell':40} ref gain " + " ".join(f"cand{j + 1:<6}" for j in range(len(cands))))
    ok = [True] * len(cands)
    motion = [[] for _ in cands]
    for k, c in ref.items():
        base = c["blurry"]["psnr"]
        r = c["models"]["smfd"]["forced"]
        row = []
        for j, cand in enumerate(cands):
            if k not in cand:
                raise SystemExit(f"{argv[2 + j]} lacks the cell {k}")
            f = cand[k]["models"]["smfd"]["forced"]
            d = f["psnr"] - r["psnr"]
            if k[1] in MOTION:
                motion[j].append(d)
            bad = k[1] not in MOTION and (d < -MAX_PSNR_LOSS or f["mobileface"] - r["mobileface"] > MAX_IDENTITY_LOSS
                                          or f["dlib"] - r["dlib"] > MAX_IDENTITY_LOSS)
            ok[j] &= not bad
            row.append(f"{d:+.2f}{'!' if bad else ' '}".ljust(11))
        name = f"{k[0]} {k[1]} {k[2]}{' noise+JPEG' if k[3] else ''}"
        print(f"{name:40} {r['psnr'] - base:+.2f}    " + " ".join(row))
    for j, m in enumerate(motion):
        mean = sum(m) / len(m)
        ok[j] &= mean > 0
        print(f"cand{j + 1} {argv[2 + j]}: motion cells {mean:+.2f} dB on average; "
              f"{'passes' if ok[j] else 'does not pass'}")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
