"""Write the README's hard-verification and deployment-matrix tables from an evaluation report.

    java -jar smfd-cli/target/smfd-cli.jar eval --matrix --out target/matrix      # or a full `eval`
    python3 training/matrix_tables.py target/matrix/report.json [--readme README.md]

Reads the ``hardVerification`` and ``deploymentMatrix`` members of report.json (written by
``smfd eval``; see ``DeploymentMatrix`` in smfd-eval) and rewrites the README between
``<!-- HARD-VERIFICATION-TABLE -->`` / ``<!-- /HARD-VERIFICATION-TABLE -->`` and
``<!-- DEPLOYMENT-MATRIX-TABLE -->`` / ``<!-- /DEPLOYMENT-MATRIX-TABLE -->``. Every number comes from the
report; nothing is typed by hand. The full per-cell tables stay in report.md.
"""
import argparse
import json
import sys

HARD = ("<!-- HARD-VERIFICATION-TABLE -->", "<!-- /HARD-VERIFICATION-TABLE -->")
MATRIX = ("<!-- DEPLOYMENT-MATRIX-TABLE -->", "<!-- /DEPLOYMENT-MATRIX-TABLE -->")
GEOMETRIES = (("256", "256 px whole face"), ("160", "160 px whole face"), ("112crop", "112 px ArcFace-style crop"))


def pct(v):
    return "n/a" if v is None else f"{100 * v:.1f}%"


def hard_table(rep):
    h = rep["hardVerification"]
    lines = [
        f"Hard verification: {h['probes']} held-out faces as 112x112 ArcFace-style crops, degraded strongly at 256 px "
        "(`DeploymentMatrix.hardPipeline()`: motion-heavy blur, then down-up scaling, noise and JPEG, always; seed "
        f"`{h['seedBase']} + id`); gallery = their sharp crops ({h['probes']} genuine, "
        f"{h['methods']['blurry']['mobileface']['impostors']:,} impostor comparisons per row). "
        "mobileface = ArcFace-family embedding (cosine); dlib = face descriptor on the crop. "
        f"Command: `{rep.get('command', '?')}`.",
        "",
        "| Probe | PSNR (dB) | passed through | mobileface TAR @ FAR 1e-2 | TAR @ FAR 1e-3 | rank-1 "
        "| dlib TAR @ FAR 1e-2 | TAR @ FAR 1e-3 | rank-1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, m in h["methods"].items():
        mf, dl = m["mobileface"], m["dlib"]
        label = m["label"]
        if key.endswith("Forced"):
            label = f"**{label}**"
        lines.append(f"| {label} | {m['psnr']:.2f} | {pct(m['passedThrough']) if m['passedThrough'] is not None else '-'} "
                     f"| {pct(mf['tarAtFar1e-2'])} | {pct(mf['tarAtFar1e-3'])} | {pct(mf['rank1'])} "
                     f"| {pct(dl['tarAtFar1e-2'])} | {pct(dl['tarAtFar1e-3'])} | {pct(dl['rank1'])} |")
    return "\n".join(lines)


def mean(vals):
    vals = [v for v in vals if v is not None]
    return sum(vals) / len(vals) if vals else float("nan")


def matrix_table(rep):
    d = rep["deploymentMatrix"]
    if not d["models"]:
        raise SystemExit("the report has no model rows (--backend none)")
    model = d["models"][0]
    name = model["name"]
    cells = d["cells"]
    n = sorted({c["n"] for c in cells})
    lines = [
        f"Deployment matrix ({model['description']}): {'/'.join(map(str, n))} held-out faces per cell, fixed seeds; "
        "blur strengths at 256 px, noise + JPEG = Gaussian noise "
        f"{d['noiseSigma']}/255 + JPEG {d['jpegQuality']}; b = blurry input, d = default policy (pass-through where "
        "the blur assessment says sharp), f = forced (`DEBLUR`); distances to the sharp face (lower is better); "
        f"missed = passed through although forcing gains >= {d['missedGainDb']} dB. "
        f"Wall time {d['wallSeconds'] / 60:.0f} min ({d['threads']} face threads). By geometry, mean over its "
        f"{len(cells) // 3} cells:",
        "",
        "| Geometry | PSNR b / d / f (dB) | SSIM b / d / f | mobileface b / d / f | dlib b / d / f | passed | missed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def triple(cs, k, fmtv):
        b = mean([c["blurry"][k] for c in cs])
        dd = mean([c["models"][name]["default"][k] for c in cs])
        f = mean([c["models"][name]["forced"][k] for c in cs])
        return f"{fmtv % b} / {fmtv % dd} / {fmtv % f}"

    for key, label in GEOMETRIES:
        cs = [c for c in cells if c["geometry"] == key]
        lines.append(f"| {label} | {triple(cs, 'psnr', '%.2f')} | {triple(cs, 'ssim', '%.3f')} "
                     f"| {triple(cs, 'mobileface', '%.3f')} | {triple(cs, 'dlib', '%.3f')} "
                     f"| {pct(mean([c['models'][name]['passedThrough'] for c in cs]))} "
                     f"| {pct(mean([c['models'][name]['missed'] for c in cs]))} |")
    lines += ["", "112 px ArcFace-style crop, every cell:", "",
              "| Blur (256 px) | noise + JPEG | n | PSNR b / d / f (dB) | mobileface b / d / f | dlib b / d / f "
              "| passed | missed |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for c in cells:
        if c["geometry"] != "112crop":
            continue
        m = c["models"][name]
        b, dd, f = c["blurry"], m["default"], m["forced"]
        lines.append(f"| {c['family']} {c['strength']} | {'yes' if c['noisy'] else 'no'} | {c['n']} "
                     f"| {b['psnr']:.2f} / {dd['psnr']:.2f} / {f['psnr']:.2f} "
                     f"| {b['mobileface']:.3f} / {dd['mobileface']:.3f} / {f['mobileface']:.3f} "
                     f"| {b['dlib']:.3f} / {dd['dlib']:.3f} / {f['dlib']:.3f} "
                     f"| {pct(m['passedThrough'])} | {pct(m['missed'])} |")
    return "\n".join(lines)


def replace(text, markers, body):
    begin, end = markers
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        raise SystemExit(f"README has no {begin} ... {end} block")
    return text[:i + len(begin)] + "\n" + body + "\n" + text[j:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", help="report.json of smfd eval (with --matrix or a full run)")
    ap.add_argument("--readme", default="README.md")
    a = ap.parse_args()
    with open(a.report) as f:
        rep = json.load(f)
    if "hardVerification" not in rep or "deploymentMatrix" not in rep:
        raise SystemExit(f"{a.report} has no hardVerification / deploymentMatrix (run smfd eval without --no-matrix)")
    with open(a.readme) as f:
        text = f.read()
    text = replace(text, HARD, hard_table(rep))
    text = replace(text, MATRIX, matrix_table(rep))
    with open(a.readme, "w") as f:
        f.write(text)
    print(f"rewrote the hard-verification and deployment-matrix tables of {a.readme} from {a.report}", file=sys.stderr)


if __name__ == "__main__":
    main()
