#!/usr/bin/env bash
# SIGINT sweep for `smfd deblur` (issue 28): interrupts N runs at random times between MIN and MAX seconds
# after the start and checks that no run crashed the JVM and none left a file behind.
#
#   smfd-cli/src/test/sh/sigint-sweep.sh [N=50] [MIN=0.3] [MAX=3.0]
#
# Needs smfd-cli/target/smfd-cli.jar (or the jar in SMFD_CLI_JAR; mvn -B -q -o -pl smfd-cli -am package -DskipTests), JAVA_HOME and
# ../shared/data/celebamask-hq-mini beside the checkout (8 held-out faces are degraded into the inputs) and python3
# with PIL (checks that every written image decodes). Each run gets its own working folder (where a crash would leave hs_err_pid*.log)
# and output folder. A run passes when its exit code is 0 (finished before the signal) or 130 (interrupted), it left
# no hs_err_pid*.log and no temporary file (.NAME.tmp) anywhere under its folder, every written face has its masks
# file and vice versa, an interrupted run printed "interrupted" on standard error, and every written image decodes.
# A background job of a non-interactive shell ignores SIGINT, so each run is started with `env --default-signal=INT`
# (GNU coreutils 8.31+), as a terminal's foreground job would be. Prints one line per run and a summary; exits 1 when any run failed.
set -u
shopt -s nullglob
N=${1:-50}
MIN=${2:-0.3}
MAX=${3:-3.0}
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
JAR="${SMFD_CLI_JAR:-$ROOT/smfd-cli/target/smfd-cli.jar}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
DATA="$ROOT/../shared/data/celebamask-hq-mini/eval/images"
[ -f "$JAR" ] || { echo "sweep: build $JAR first" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/smfd-sigint-sweep.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/in"
[ -d "$DATA" ] || { echo "sweep: needs the held-out faces in $DATA" >&2; exit 2; }
for i in 1 2 3 4 5 6 7 8; do
  "$JAVA" -jar "$JAR" degrade --input "$DATA/45$((10 + i)).jpg" --seed "$i" --out "$WORK/in/f$i.png" >/dev/null
done
pass=0; fail=0; crashed=0; leftovers=0; finished=0; interrupted=0
declare -A phases # what the run was doing when the signal came, from "smfd: interrupted while ..."
for run in $(seq 1 "$N"); do
  dir="$WORK/run$run"
  mkdir -p "$dir"
  delay=$(awk -v a="$MIN" -v b="$MAX" -v s="$RANDOM$run" 'BEGIN { srand(s); printf "%.2f", a + rand() * (b - a) }')
  ( cd "$dir" && exec env --default-signal=INT "$JAVA" -jar "$JAR" deblur "$WORK/in" --out "$dir/out" --masks --deblur-sharp \
      >"$dir/stdout" 2>"$dir/stderr" ) &
  pid=$!
  sleep "$delay"
  kill -INT "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
  problems=""; phase=""
  [ "$rc" = 0 ] || [ "$rc" = 130 ] || problems="$problems rc=$rc"
  if [ -n "$(find "$dir" -name 'hs_err_pid*.log')" ]; then problems="$problems hs_err"; crashed=$((crashed + 1)); fi
  tmps=$(find "$dir" -name '.*.tmp' | wc -l)
  if [ "$tmps" != 0 ]; then problems="$problems temp-files=$tmps"; leftovers=$((leftovers + 1)); fi
  faces=0
  if [ -d "$dir/out" ]; then
    for f in "$dir"/out/*; do
      [ -e "$f" ] || continue
      case "$f" in
        *.masks.png) [ -f "${f%.masks.png}.png" ] || problems="$problems masks-without-face:$(basename "$f")" ;;
        *.png) faces=$((faces + 1))
               [ -f "${f%.png}.masks.png" ] || problems="$problems face-without-masks:$(basename "$f")" ;;
        *) problems="$problems stray:$(basename "$f")" ;;
      esac
    done
    bad=$(python3 -c 'import sys, PIL.Image as I
for f in sys.argv[1:]:
    try: I.open(f).load()
    except Exception: print(f.rsplit("/", 1)[-1])' "$dir"/out/*.png 2>/dev/null | tr '\n' ' ')
    [ -z "$bad" ] || problems="$problems undecodable:$bad"
  fi
  if [ "$rc" = 130 ]; then
    interrupted=$((interrupted + 1))
    grep -q "interrupted" "$dir/stderr" || problems="$problems no-interrupted-line"
    phase=$(tr '\r' '\n' <"$dir/stderr" | sed -n 's/^smfd: interrupted while \([a-z ]*\).*/\1/p' | sed 's/ *$//' | head -1)
    key=${phase:+while $phase}
    key=${key:-between steps}
    phases[$key]=$(( ${phases[$key]:-0} + 1 ))
  elif [ "$rc" = 0 ]; then
    finished=$((finished + 1))
  fi
  if [ -z "$problems" ]; then pass=$((pass + 1)); status=ok; else fail=$((fail + 1)); status="FAIL:$problems"; fi
  printf 'run %2d  SIGINT at %ss  rc %3s  faces written %d  %s  %s\n' "$run" "$delay" "$rc" "$faces" "$status" \
    "${phase:+(interrupted while $phase)}"
  [ -n "$problems" ] && { tr '\r' '\n' <"$dir/stderr" | sed 's/^/    stderr: /' | tail -3; }
done
echo "sweep: $N runs, $pass ok, $fail failed ($interrupted interrupted, $finished finished before the signal;" \
  "$crashed with hs_err_pid*.log, $leftovers with temporary files)"
for k in "${!phases[@]}"; do echo "  interrupted $k: ${phases[$k]}"; done
[ "$fail" = 0 ]
