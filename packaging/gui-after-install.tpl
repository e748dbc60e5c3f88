#!/bin/bash
# After installing qubes-stateless (GUI): the launcher on PATH. chrome-sandbox is never made setuid root: dom0's
# kernel has user namespaces, which Chromium's sandbox uses instead.
ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi
