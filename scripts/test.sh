#!/usr/bin/env bash
# Runs the whole test suite after the setup it needs. Prints a closing 'N passed, N failed' line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
dotnet build Cdsr.sln -c Release -nologo -v q
log="$(mktemp)"
set +e
dotnet test Cdsr.Tests/Cdsr.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
summary="$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" | tail -n 1)"
passed="$(echo "$summary" | sed -E 's/.*Passed: +([0-9]+).*/\1/')"
failed="$(echo "$summary" | sed -E 's/.*Failed: +([0-9]+).*/\1/')"
skipped="$(echo "$summary" | sed -E 's/.*Skipped: +([0-9]+).*/\1/')"
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$rc"
