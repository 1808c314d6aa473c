"""Copy the measured metrics of the shipped model from a Java evaluation report into the model card.

    java -jar smfd-cli/target/smfd-cli.jar eval --out target/eval --threads 2   # evaluates the bundled ONNX file
    python3 training/card_metrics.py target/eval/report.json

Copies the pixel metrics, the mask mIoU and, when the report has them, the identity figures (mean
face-descriptor distance to the sharp face, TAR at FAR 1e-2 / 1e-3), the do-no-harm figures (sharp and
mild sets) and NIQE; every figure comes from the report, so re-running eval + this script after a model
change regenerates all of them. The README's identity / do-no-harm tables (between
``<!-- IDENTITY-TABLE -->`` and ``<!-- /IDENTITY-TABLE -->``) are rewritten from the same report.

Only ``smfd-unet.json`` (the human-readable card next to the ONNX file) is rewritten: the card embedded
in the ONNX metadata is left as exported, so the model file and its SHA-256 stay exactly the ones that
were evaluated.  Refuses a report that did not evaluate the bundled model on all 500 held-out faces, or
whose model checksum prefix differs from the ``.sha256`` file.
"""
import json
import os
import sys

CARD_DIR = "smfd-model/src/main/resources/io/smfd/model"
README = "README.md"
BEGIN, END = "<!-- IDENTITY-TABLE -->", "<!-- /IDENTITY-TABLE -->"
KEYS = ("psnrRgb", "ssimRgb", "psnrY", "ssimY", "psnrEyes", "psnrMouth")


def _r(v, nd):
    return None if v is None else round(v, nd)


def identity_metrics(rep):
    """Identity, verification, do-no-harm and NIQE figures of a report (absent sections are left out)."""
    out = {}
    ident = rep.get("identity")
    if ident:
        d = rep.get("descriptor", {})
        out["face_descriptor"] = {
            "name": "dlib ResNet face descriptor (@vladmandic/face-api 1.7.15 weights), Euclidean, same person < 0.6",
            "sha256_prefix": (d.get("sha256") or "")[:12],
            "gflop_per_face": d.get("gflopPerFace"),
            "ms_per_face_measured": _r(d.get("msPerFace"), 1),
        }
        out["identity_distance_to_sharp"] = {
            m: {"mean": _r(v["mean"], 4), "median": _r(v["median"], 4), "p95": _r(v["p95"], 4),
                "within_0.6": _r(v["within"], 4)}
            for m, v in ident["overall"].items()}
    ver = rep.get("verification")
    if ver:
        out["verification_tar"] = {
            m: {"far_1e-2": _r(v["tarAtFar1e-2"], 4), "far_1e-3": _r(v["tarAtFar1e-3"], 4),
                "genuine": v["genuine"], "impostors": v["impostors"]}
            for m, v in ver.items()}
    dnh = rep.get("doNoHarm")
    if dnh:
        out["do_no_harm"] = {
            s: {"faces": v["n"],
                "smfd_vs_input_psnr_rgb": _r(v["outputVsInputPsnrRgb"], 2),
                "smfd_vs_input_ssim_rgb": _r(v["outputVsInputSsimRgb"], 4),
                "identity_drift_mean": _r(v["identityDrift"]["mean"], 4),
                "identity_drift_p95": _r(v["identityDrift"]["p95"], 4),
                "input_vs_sharp_psnr_rgb": _r(v["inputVsSharp"]["psnrRgb"], 2),
                "smfd_vs_sharp_psnr_rgb": _r(v["smfdVsSharp"]["psnrRgb"], 2),
                "input_identity_to_sharp_mean": _r(v["inputVsSharp"]["identity"]["mean"], 4),
                "smfd_identity_to_sharp_mean": _r(v["smfdVsSharp"]["identity"]["mean"], 4)}
            for s, v in dnh.items()}
    niqe = rep.get("niqe", {})
    if "sharp" in niqe:
        out["niqe"] = {k: {"mean": _r(v["mean"], 3), "median": _r(v["median"], 3)}
                       for k, v in niqe.items() if isinstance(v, dict)}
    return out


def _pct(v):
    return "n/a" if v is None else f"{100 * v:.1f}%"


def _f(v, fmt):
    return "n/a" if v is None else format(v, fmt)


def readme_block(rep):
    """Markdown tables for the README: identity, TAR@FAR and NIQE per method; do no harm."""
    ident, ver = rep["identity"]["overall"], rep["verification"]
    niqe = rep.get("niqe", {})
    labels = {"blurry": "blurry input", "bestClassical": "best classical per face (oracle)", "smfd": "**SMFD**"}
    lines = [f"Identity and verification, all {rep['faces']} faces: dlib face-descriptor distance of each image to the"
             " sharp face's descriptor (lower is better; same person below 0.6), and TAR at fixed FAR with the"
             " sharp faces as the gallery (threshold from each probe type's impostor distances). NIQE: lower is"
             " more natural.", "",
             "| Method | identity distance mean | median | p95 | within 0.6 | TAR @ FAR 1e-2 | TAR @ FAR 1e-3 |"
             " NIQE mean |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    if "sharp" in niqe:
        lines.append(f"| sharp face (reference) | 0 | 0 | 0 | 100% | - | - | {niqe['sharp']['mean']:.2f} |")
    for m, label in labels.items():
        if m not in ident:
            continue
        v, t = ident[m], ver.get(m, {})
        nq = niqe.get(m, {}).get("mean")
        lines.append(f"| {label} | {v['mean']:.3f} | {v['median']:.3f} | {v['p95']:.3f} | {_pct(v['within'])} | "
                     f"{_pct(t.get('tarAtFar1e-2'))} | {_pct(t.get('tarAtFar1e-3'))} | {_f(nq, '.2f')} |")
    dnh = rep.get("doNoHarm") or {}
    if dnh:
        lines += ["", "Do no harm: SMFD on faces that need no deblurring, output against its own input (identity drift ="
                  " descriptor distance between output and input); for the mild set also input and output against the"
                  " sharp face:", "",
                  "| Set | faces | PSNR-RGB output vs input (dB) | SSIM-RGB | identity drift mean | p95 |"
                  " vs sharp: PSNR input -> SMFD (dB) | identity input -> SMFD |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        names = {"sharp": "sharp (no degradation)", "mild": "mild blur only (Gaussian 0.3-1 px, shake 5-9 px)"}
        for k, v in dnh.items():
            vs = "-" if k == "sharp" else (f"{v['inputVsSharp']['psnrRgb']:.2f} -> {v['smfdVsSharp']['psnrRgb']:.2f}")
            vi = "-" if k == "sharp" else (f"{v['inputVsSharp']['identity']['mean']:.3f} -> "
                                           f"{v['smfdVsSharp']['identity']['mean']:.3f}")
            lines.append(f"| {names.get(k, k)} | {v['n']} | {v['outputVsInputPsnrRgb']:.2f} | "
                         f"{v['outputVsInputSsimRgb']:.4f} | {v['identityDrift']['mean']:.3f} | "
                         f"{v['identityDrift']['p95']:.3f} | {vs} | {vi} |")
    if "smfd" in ident and "blurry" in ident:
        b, m = ident["blurry"]["mean"], ident["smfd"]["mean"]
        summary = (f"In short: SMFD moves the mean identity distance to the sharp face from {b:.3f} (blurry) to {m:.3f}"
                   f" ({m - b:+.3f}; best classical {ident['bestClassical']['mean']:.3f}) and TAR at FAR 1e-3 from"
                   f" {_pct(ver['blurry']['tarAtFar1e-3'])} to {_pct(ver['smfd']['tarAtFar1e-3'])}")
        if "sharp" in dnh:
            summary += (f"; on sharp faces it changes identity by {dnh['sharp']['identityDrift']['mean']:.3f} on average"
                        f" (PSNR {dnh['sharp']['outputVsInputPsnrRgb']:.1f} dB against the input)")
        lines += ["", summary + "."]
    d = rep.get("descriptor", {})
    lines += ["", f"Descriptor cost: {d.get('gflopPerFace')} GFLOP per face; {_f(d.get('msPerFace'), '.1f')} ms per face"
              " measured during the evaluation (mean batched call time per chip, on the evaluation's threads and"
              " under its load; about 8-11 ms on one idle core)."]
    return "\n".join(lines)


def update_readme(rep, path=README):
    if not os.path.exists(path) or "identity" not in rep:
        return False
    text = open(path).read()
    if BEGIN not in text or END not in text:
        return False
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + readme_block(rep) + "\n" + END + tail)
    return True


def main(report_path, card_dir=CARD_DIR):
    rep = json.load(open(report_path))
    digest = open(os.path.join(card_dir, "smfd-unet.onnx.sha256")).read().strip()
    model = rep.get("model", "")
    # "SMFD-UNet 0.1.0, sha256 3fa6727de7ba, 8 classes, bundled model (io.smfd:smfd-model)" (ModelInfo.summary);
    # reports before the ModelInfo API said "bundled SMFD-UNet 0.1.0 (...), sha256 ..."
    bundled = "bundled model (io.smfd:smfd-model)" in model or model.startswith("bundled ")
    if not bundled or digest[:12] not in model:
        sys.exit(f"{report_path} evaluated '{model}', not the bundled model with sha256 {digest[:12]}")
    if rep.get("faces") != 500 or rep.get("skipped"):
        sys.exit(f"{report_path} covers {rep.get('faces')} faces ({rep.get('skipped')} skipped); expected all 500")
    overall = {m: {k: round(v[k], 4) for k in KEYS} for m, v in rep["overall"].items()}
    fam = rep["byFamily"]
    metrics = {
        "command": "java -jar smfd-cli/target/smfd-cli.jar eval",
        "degradation": f"DegradationPipeline.defaults() seed {rep['seedBase']}+id",
        "faces": rep["faces"],
        "split": "eval/ 4500-4999 (held out)",
        "overall": overall,
        "psnr_gain_rgb": round(overall["smfd"]["psnrRgb"] - overall["blurry"]["psnrRgb"], 2),
        "blurry_psnr_rgb_by_family": {f: round(v["methods"]["blurry"]["psnrRgb"], 2) for f, v in fam.items()},
        "best_classical_psnr_rgb_by_family": {f: round(v["methods"]["bestClassical"]["psnrRgb"], 2)
                                              for f, v in fam.items()},
        "smfd_psnr_rgb_by_family": {f: round(v["methods"]["smfd"]["psnrRgb"], 2) for f, v in fam.items()},
        "mask_mIoU": round(rep["maskIoU"]["mIoU"], 4),
    }
    metrics.update(identity_metrics(rep))
    # the blur assessment's calibration fitted to this model (AssessmentCalibration --write): its measured accuracy
    calibration = os.path.join(card_dir, "smfd-unet.assess.json")
    if os.path.exists(calibration):
        cal = json.load(open(calibration))
        metrics["blur_assessment_calibration"] = {"fitted": cal.get("fitted"), **cal.get("metrics", {})}
    path = os.path.join(card_dir, "smfd-unet.json")
    card = json.load(open(path))
    card["metrics"] = metrics
    with open(path, "w") as f:
        json.dump(card, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"{path}: PSNR-RGB {overall['blurry']['psnrRgb']} -> {overall['smfd']['psnrRgb']} "
          f"(+{metrics['psnr_gain_rgb']}), mIoU {metrics['mask_mIoU']}")
    if card_dir == CARD_DIR and update_readme(rep):
        print(f"{README}: identity / do-no-harm tables rewritten")
    ident = metrics.get("identity_distance_to_sharp")
    if ident:
        print("identity mean distance to sharp: " + ", ".join(f"{m} {v['mean']}" for m, v in ident.items())
              + "; TAR@FAR1e-3: " + ", ".join(f"{m} {v['far_1e-3']}"
                                              for m, v in metrics.get("verification_tar", {}).items()))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
