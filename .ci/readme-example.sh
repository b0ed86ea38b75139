#!/usr/bin/env bash
# The README's example is a program CI runs: the README's code block must be examples/CrossBackend.Examples/Program.cs
# and the README's output block must be what it prints, character for character (the numbers are the point).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
start=$SECONDS
program=examples/CrossBackend.Examples/Program.cs

# The fenced block that follows a marker line in README.md.
block() {
  awk -v marker="$1" '
    inside && /^```/ { exit }
    inside { print }
    found && /^```/ { inside = 1 }
    index($0, marker) { found = 1 }' README.md
}

status=0
if ! diff -u <(block "<!-- example: $program -->") "$program"; then
  echo "readme-example: README.md's example is not $program (diff above: README first)"; status=1
fi

actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
if ! dotnet build examples/CrossBackend.Examples -v quiet -nologo >"$actual" 2>&1; then
  cat "$actual"; echo "readme-example: the example does not build"; exit 1
fi
dotnet run --no-build --project examples/CrossBackend.Examples >"$actual" || { echo "readme-example: the example failed"; status=1; }
if ! diff -u <(block "<!-- example output -->") "$actual"; then
  echo "readme-example: the example's output differs from README.md's (diff above: README first)"; status=1
fi
[ $status -eq 0 ] && echo "readme-example: README example code and its $(wc -l <"$actual") output lines match ($((SECONDS - start)) s)"
exit $status
