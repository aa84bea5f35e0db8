#!/usr/bin/env bash
# `npm run check:infra`: the real Bicep compiler over infra/.
#  1. lint every .bicep / .bicepparam file under infra/ with the analyzers of
#     infra/bicepconfig.json, all at error level; any compiler or linter warning fails too;
#  2. compile main.bicep and main.bicepparam;
#  3. fail when the committed infra/main.json differs from the fresh build (`--write` updates it).
# The compiler comes from scripts/install-bicep.sh (pinned, project-local, no root).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

WRITE=0
if [ "${1:-}" = "--write" ]; then WRITE=1; fi

BICEP="$(bash scripts/install-bicep.sh | tail -n 1)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 BICEP_TRACING_ENABLED=false

# Runs one bicep command; fails on a non-zero exit or on any diagnostic it prints.
run() {
  local log="$WORK/log"
  if ! "$BICEP" "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "check:infra: bicep $* failed" >&2
    exit 1
  fi
  if grep -Eq '\) : (Warning|Error|Info) ' "$log"; then
    cat "$log" >&2
    echo "check:infra: bicep $* reported diagnostics (warnings count as errors)" >&2
    exit 1
  fi
}

echo "== bicep $("$BICEP" --version | sed 's/^Bicep CLI version //')"
run lint --pattern 'infra/**/*.bicep*'
run build infra/main.bicep --outfile "$WORK/main.json"
run build-params infra/main.bicepparam --outfile "$WORK/main.parameters.json"

if [ "$WRITE" = "1" ]; then
  cp "$WORK/main.json" infra/main.json
  echo "wrote infra/main.json"
elif ! cmp -s "$WORK/main.json" infra/main.json; then
  diff -u infra/main.json "$WORK/main.json" | head -n 40 >&2 || true
  echo "check:infra: infra/main.json is not what infra/main.bicep compiles to; run: npm run check:infra -- --write" >&2
  exit 1
fi
echo "check:infra: lint clean, infra/main.json up to date"
