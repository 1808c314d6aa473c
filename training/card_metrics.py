"""Copy the measured metrics of the shipped model from a Java evaluation report into the model card.

    java -jar smfd-cli/target/smfd-cli.jar eval --out target/eval --threads 2   # evaluates the bundled ONNX file
    python3 training/card_metrics.py target/eval/report.json

Copies the pixel metrics, the mask mIoU and, when the report has them, the identity figures (mean
face-descriptor distance to the sharp face, TAR at FAR 1e-2 / 1e-3), the do-no-harm figures (sharp and
mild sets) and NIQE; every figure comes from the report, so re-running eval + this script after a model
change regenerates all of them. The report itself is copied to ``docs/data/eval-report.json``, the source of
the README's quality, identity and pass-through tables: regenerate them with ``DocTables`` (smfd-eval), e.g.
``mvn -B -o -pl smfd-eval -am verify -Dtest=DocTablesTest -Dsurefire.failIfNoSpecifiedTests=false
-Dsmfd.docs.regenerate=true``; ``mvn verify`` fails while they are stale.

Only ``smfd-unet.json`` (the human-readable card next to the ONNX file) is rewritten: the card embedded
in the ONNX metadata is left as exported, so the model file and its SHA-256 stay exactly the ones that
were evaluated.  Refuses a report that did not evaluate the bundled model on all 500 held-out faces, or
whose model checksum prefix differs from the ``.sha256`` file.
"""
import json
import os
import shutil
import sys

CARD_DIR = "smfd-model/src/main/resources/io/smfd/model"
DOC_REPORT = "docs/data/eval-report.json"
DOC_MATRIX_REPORT = "docs/data/matrix-report.json"
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
    if card_dir == CARD_DIR:
        shutil.copyfile(report_path, DOC_REPORT)
        if "deploymentMatrix" in rep:
            shutil.copyfile(report_path, DOC_MATRIX_REPORT)
        print(f"{DOC_REPORT}: copied from {report_path}; regenerate the README tables with DocTables (smfd-eval)")
    ident = metrics.get("identity_distance_to_sharp")
    if ident:
        print("identity mean distance to sharp: " + ", ".join(f"{m} {v['mean']}" for m, v in ident.items())
              + "; TAR@FAR1e-3: " + ", ".join(f"{m} {v['far_1e-3']}"
                                              for m, v in metrics.get("verification_tar", {}).items()))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
