#!/usr/bin/env bash
# The metering check on a GPU machine (see README.md beside this file):
#   bash apps/worker/gpu-check/run.sh OUT_DIR [gpu-check options]
# Uses `node` from PATH or a carried .device/node.xz, and .device/square-wave or, failing that,
# compiles square-wave.c with the machine's C compiler. Writes nvidia-smi's view and the report.
set -u
out=${1:?usage: run.sh OUT_DIR [options]}
shift
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

node_bin=$(command -v node || true)
if [ -z "$node_bin" ] && [ -f "$root/.device/node.xz" ]; then
  xz -dc "$root/.device/node.xz" > /tmp/wattwise-node && chmod +x /tmp/wattwise-node && node_bin=/tmp/wattwise-node
fi
[ -n "$node_bin" ] || { echo "no node and no .device/node.xz" >&2; exit 3; }

load="$root/.device/square-wave"
if ! "$load" 2>&1 | grep -q usage; then
  cc -O2 -o /tmp/wattwise-square-wave "$here/square-wave.c" -ldl && load=/tmp/wattwise-square-wave
fi

nvidia-smi > "$out/nvidia-smi.txt" 2>&1
nvidia-smi -q -d POWER > "$out/nvidia-smi-power.txt" 2>&1
"$node_bin" "$root/apps/worker/dist/gpu-check.js" --load "$load" --ptx "$here/burn.ptx" "$@" \
  > "$out/report.json" 2> "$out/stderr.txt"
rc=$?
cat "$out/report.json" "$out/stderr.txt"
exit $rc
