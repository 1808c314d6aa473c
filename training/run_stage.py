"""One command per stage: train -> export -> eval -> card metrics -> compact.

    /usr/bin/python3 training/run_stage.py training/configs/v4.json [--max-minutes M] [--ship]

1. ``train.py CONFIG`` (resumes from the stage's ``latest.pt``; stops after ``--max-minutes``).  If the
   stage has not reached its last step, the script stops here: re-run the same command later.
2. ``export.py`` the EMA weights into ``<out>/export/`` (a candidate; the shipped model is untouched); with
   ``--wise ALPHA`` the weights ``ALPHA x EMA + (1 - ALPHA) x init`` (``wise.py``, chosen on validation faces).
3. ``AssessmentCalibration`` fits the blur assessment to the model on training faces and writes
   ``smfd-unet.assess.json`` beside it (into ``smfd-model`` with ``--ship``, then rebuilds).
4. ``smfd eval`` on the 500 held-out faces into ``<out>/eval/``, once: without ``--ship`` on the candidate
   (``--model``); with ``--ship`` the candidate is first copied into ``smfd-model`` (ONNX, card, SHA-256) and
   the CLI rebuilt, so the evaluation runs on the bundled bytes and ``card_metrics.py`` writes its figures
   into the card.  A later stage starts from the shipped ONNX itself (``"init": "git:REV:...smfd-unet.onnx"``),
   so no weights are kept for it; the stage's carried checkpoint ``training/checkpoints/<stage>-latest.pt``
   (if any) is removed.

With ``--skip-train`` on a fresh checkout (no ``<out>/latest.pt``), the stage's committed compact weights
``training/checkpoints/smfd-unet-<name>.pt`` are exported instead (fp16 weights, so the ONNX differs slightly
from one exported from ``latest.pt``; the evaluation measures the bytes it ships either way).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODEL_DIR = os.path.join(ROOT, "smfd-model", "src", "main", "resources", "io", "smfd", "model")
CLI_JAR = os.path.join(ROOT, "smfd-cli", "target", "smfd-cli.jar")
PY = sys.executable


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else "java"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--ship", action="store_true", help="ship the candidate as the bundled model")
    ap.add_argument("--skip-train", action="store_true", help="export/evaluate the current latest.pt")
    ap.add_argument("--wise", type=float, default=None, metavar="ALPHA",
                    help="export alpha x the stage's EMA + (1 - alpha) x its init weights (training/wise.py)")
    a = ap.parse_args()
    cfg = json.load(open(os.path.join(ROOT, a.config) if not os.path.isabs(a.config) else a.config))
    out = os.path.join(ROOT, cfg["out"])
    if not a.skip_train:
        cmd = [PY, "training/train.py", a.config]
        if a.max_minutes:
            cmd += ["--max-minutes", str(a.max_minutes)]
        if a.threads:
            cmd += ["--threads", str(a.threads)]
        run(cmd)
        if not os.path.exists(os.path.join(out, "done.json")):
            print(f"stage {cfg['name']} not finished; re-run the same command to continue")
            return 0
    cand = os.path.join(out, "export")
    # shipping releases the version the stage's config file names now (its checkpoint may still say "-dev")
    release = ["--version", cfg["version"]] if a.ship else []
    latest = os.path.join(out, "latest.pt")
    compact = os.path.join("training", "checkpoints", f"smfd-unet-{cfg['name']}.pt")
    carried = os.path.join("training", "checkpoints", f"{cfg['name']}-latest.pt")
    if not os.path.exists(latest) and os.path.exists(os.path.join(ROOT, carried)):
        latest = os.path.join(ROOT, carried)
    if os.path.exists(latest):
        ckpt = latest
        if a.wise is not None:
            ckpt = os.path.join(out, f"wise-{a.wise:g}.pt")
            run([PY, "training/wise.py", "--ckpt", latest, "--alpha", str(a.wise), "--out", ckpt])
        run([PY, "training/export.py", "--ckpt", ckpt, "--out", cand, *release])
    elif a.skip_train and os.path.exists(os.path.join(ROOT, compact)):
        # a fresh checkout has no training/runs/: the committed compact (fp16) weights of a finished stage
        print(f"no {latest}: exporting the committed compact weights {compact}", flush=True)
        run([PY, "training/export.py", "--ckpt", compact, "--config", a.config, "--out", cand])
        latest = None
    else:
        raise SystemExit(f"neither {latest} nor {compact}: train the stage first")
    if a.ship:
        for f in ("smfd-unet.onnx", "smfd-unet.json", "smfd-unet.onnx.sha256"):
            shutil.copy(os.path.join(cand, f), os.path.join(MODEL_DIR, f))
    if a.ship or not os.path.exists(CLI_JAR):
        run(["mvn", "-B", "-q", "-pl", "smfd-cli", "-am", "package", "-DskipTests"])
    # the blur assessment's constants travel with the model: fit them on training faces to the model's own gains
    # (beside the candidate as smfd-unet.assess.json, or into smfd-model when shipping), then rebuild to bundle them
    calibration = os.path.join(MODEL_DIR if a.ship else cand, "smfd-unet.assess.json")
    cal_model = [] if a.ship else ["--model", os.path.join(cand, "smfd-unet.onnx")]
    run([java(), "-cp", CLI_JAR, "io.smfd.eval.AssessmentCalibration", "--step", "2", "--sharp-step", "2", "--backend", "onnx",
         *cal_model, "--cache", os.path.join(out, "assessment-calibration.csv"), "--write", calibration])
    if a.ship:
        run(["mvn", "-B", "-q", "-pl", "smfd-cli", "-am", "package", "-DskipTests"])
    model = [] if a.ship else ["--model", os.path.join(cand, "smfd-unet.onnx")]
    # a relative --out: the report's "command" (quoted in README's tables) names no machine path
    run([java(), "-jar", CLI_JAR, "eval", *model, "--out", os.path.relpath(os.path.join(out, "eval"), ROOT),
         "--threads", "2"])
    if a.ship:
        run([PY, "training/card_metrics.py", os.path.join(out, "eval", "report.json")])
        # README's measured tables from the copied report (DocTablesTest in mvn verify fails while they are stale)
        run([java(), "-cp", CLI_JAR, "io.smfd.eval.DocTables", "--write"])
        carried = os.path.join(ROOT, "training", "checkpoints", f"{cfg['name']}-latest.pt")
        if os.path.exists(carried):
            os.remove(carried)
            print(f"removed {carried}: the shipped ONNX is the init of later stages", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
