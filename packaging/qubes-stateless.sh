#!/bin/sh
# /usr/bin/qubes-stateless (package qubes-stateless-cli): the CLI bundle under Node.js, reading the boot kit it
# was packaged with. Paths are taken relative to this file, so an install under `rpm --root DIR` runs as well.
prefix=$(dirname "$(dirname "$(readlink -f "$0")")")
QUBES_STATELESS_ASSETS="$prefix/share/qubes-stateless/assets"
export QUBES_STATELESS_ASSETS
exec /usr/bin/node "$prefix/share/qubes-stateless/cli/qubes-stateless.mjs" "$@"
