#!/bin/sh
# Re-record electron/core/qubes/grammar/ from the real parsers (not run by the tests: they use the recorded files).
#   scripts/argparse-oracle/record.sh grammar|verdicts
# Needs: CLIENT=<git dir of QubesOS/qubes-core-admin-client>, PY311=<python3.11>, PY313=<python3.13>.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
S=$HERE/qubes_argparse.py
OUT=$HERE/../../electron/core/qubes/grammar
: "${CLIENT:?set CLIENT to a qubes-core-admin-client git dir}" "${PY311:?}" "${PY313:?}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
for r in 4.2 4.3; do
  py=$PY311; [ $r = 4.3 ] && py=$PY313
  mkdir -p "$TMP/$r" && git -C "$CLIENT" archive "release$r" qubesadmin | tar -x -C "$TMP/$r"
  if [ "$1" = grammar ]; then
    (cd "$TMP/$r" && env -u COLUMNS "$py" "$S" grammar "QubesOS/qubes-core-admin-client release$r@$(git -C "$CLIENT" rev-parse release$r)") > "$OUT"/release$r.json
  else
    (cd "$TMP/$r" && env -u COLUMNS "$py" "$S" verdicts < "$OUT"/cases.json) > "$OUT"/verdicts-release$r.json
  fi
done
