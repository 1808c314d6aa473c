#!/usr/bin/env bash
# Measures SMFD's speed and regenerates the speed tables (README THROUGHPUT-TABLE, docs/speed.md SPEED-TABLE):
#   1. builds smfd-cli and smfd-benchmarks (offline if the local repository has everything: SMFD_MVN_OPTS=-o);
#   2. CpuOnnxPairedBenchmark: latency per face, cpu vs onnx in the same JMH invocation, 112/160/256 px, 1 and 2
#      threads (medians of the pairs, median of the per-pair ratios);
#      after each call a 40 ms pause, not timed (ONNX Runtime's pool spin-waits ~20 ms after a call: without the
#      pause it takes a core from the next cpu call on 2 cores);
#   3. ThroughputBenchmark: deblurAll faces/s over 64 faces, cpu-1/cpu-2/onnx-1/onnx-2 rotated within each
#      round, 112/160/256 px (medians over the rounds);
#   4. the CLI (`smfd deblur` on a folder of 64 synthetic 112 px faces, whole process) per backend and thread count;
#   5. writes docs/data/latency.json and docs/data/throughput.json (with the CPU model and vector width) and
#      rewrites the generated tables (DocTables --write).
# Run it from anywhere, on an idle machine (the load average before the run is recorded and shown in the
# tables); about 10 minutes on 2 cores. JAVA_HOME must point to a JDK 21+ (25 on the project machines).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
RECORDS="$ROOT/smfd-benchmarks/target/speed-records"
FACES="$ROOT/smfd-benchmarks/target/speed-faces-112"
CLI_OUT="$ROOT/smfd-benchmarks/target/speed-cli-out"
BENCH="$ROOT/smfd-benchmarks/target/benchmarks.jar"
CLI="$ROOT/smfd-cli/target/smfd-cli.jar"
# (a -jvmArgsAppend on JMH's command line replaces the benchmarks' own, so it repeats them)
JVM_ARGS="--enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector"

load_before="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -1)"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "run-speed: load average before the run: $load_before"

# shellcheck disable=SC2086
mvn -B -q ${SMFD_MVN_OPTS:-} -pl smfd-cli,smfd-benchmarks -am package -DskipTests
rm -rf "$RECORDS" "$FACES" "$CLI_OUT"
mkdir -p "$RECORDS"

# 2. latency, paired
"$JAVA" -jar "$BENCH" CpuOnnxPairedBenchmark -p size=112,160,256 -p threads=1,2 -p pauseMs=40 -f 1 -wi 2 -w 2 -i 3 -r 3 \
    -jvmArgsAppend "$JVM_ARGS -Dsmfd.bench.records=$RECORDS" -rf json -rff "$RECORDS/latency-jmh.json"

# 3. throughput of deblurAll
"$JAVA" -jar "$BENCH" ThroughputBenchmark -p size=112,160,256 -wi 1 -i 5 \
    -jvmArgsAppend "$JVM_ARGS -Dsmfd.bench.records=$RECORDS" -rf json -rff "$RECORDS/throughput-jmh.json"

# 4. the CLI on a folder of 112 px faces (whole process: JVM start, model load, JIT warm-up included)
# shellcheck disable=SC2086
"$JAVA" $JVM_ARGS -cp "$BENCH" io.smfd.benchmarks.SpeedReport faces "$FACES" 64 112
for backend in cpu onnx; do
    for threads in 1 2; do
        rm -rf "$CLI_OUT"
        t0="$(date +%s%N)"
        # shellcheck disable=SC2086
        "$JAVA" $JVM_ARGS -jar "$CLI" deblur "$FACES" --out "$CLI_OUT" --backend "$backend" --threads "$threads" \
            --deblur-sharp > /dev/null
        t1="$(date +%s%N)"
        # shellcheck disable=SC2086
        "$JAVA" $JVM_ARGS -cp "$BENCH" io.smfd.benchmarks.SpeedReport cli "$RECORDS" "$backend" "$threads" 64 "$t0" "$t1"
    done
done

# 5. the JSON and the tables
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' (with local changes)' || true)"
# shellcheck disable=SC2086
"$JAVA" $JVM_ARGS -cp "$BENCH" io.smfd.benchmarks.SpeedReport write "$RECORDS" "$ROOT/docs/data" \
    "command=smfd-benchmarks/run-speed.sh" "commit=$commit$dirty" "started=$started" "loadAverageBefore=$load_before"
"$JAVA" -cp "$CLI" io.smfd.eval.DocTables --write "$ROOT"
echo "run-speed: wrote docs/data/latency.json, docs/data/throughput.json and the tables ($(date -u +%H:%M:%SZ))"
