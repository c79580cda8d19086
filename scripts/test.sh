#!/usr/bin/env bash
# Runs the whole test suite after the setup it needs. Prints a closing 'N passed, N failed, N skipped' line
# computed from the TRX results file (not from console text, whose format changes with the logger).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
dotnet build Cdsr.sln -c Release -nologo -v q
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # as ./cdsr: OpenMP threads sleep while they wait
results="$root/TestResults"
rm -rf "$results"
set +e
dotnet test Cdsr.Tests/Cdsr.Tests.csproj -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=cdsr.trx" --results-directory "$results" "$@"
rc=$?
set -e
trx="$results/cdsr.trx"
if [ -f "$trx" ]; then
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { echo "$counters" | sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p"; }
  passed="$(get passed)"; failed="$(get failed)"; total="$(get total)"; executed="$(get executed)"
  skipped=$(( ${total:-0} - ${executed:-0} ))
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
else
  echo "test run produced no results file (exit code $rc)"
  [ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
