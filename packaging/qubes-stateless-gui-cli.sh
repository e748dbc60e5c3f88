#!/bin/sh
# /usr/bin/qubes-stateless (package qubes-stateless, the GUI): the CLI run by the app's own Electron as Node.js
# (ELECTRON_RUN_AS_NODE), with the boot kit packaged beside it; dom0 needs no Node.js for it.
app=/opt/qubes-stateless
QUBES_STATELESS_ASSETS="$app/resources/assets"
ELECTRON_RUN_AS_NODE=1
export QUBES_STATELESS_ASSETS ELECTRON_RUN_AS_NODE
exec "$app/qubes-stateless-gui" "$app/resources/cli/qubes-stateless.mjs" "$@"
