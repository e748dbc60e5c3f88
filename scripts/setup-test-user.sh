#!/usr/bin/env bash
# The unprivileged accounts the permission tests run as (electron/core/system/real-system.privileged.test.ts):
#   qs-test    dom0's normal user as the app sees it: passwordless sudo (like dom0's "user"), no other rights;
#   qs-nosudo  the same without any sudo rule, for the "sudo refused" cases.
# Idempotent; run as root (.ci/run does it before npm test). Needs the sudo package.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-test-user.sh: run as root (it creates users and a sudoers rule)" >&2
  exit 1
fi
for user in qs-test qs-nosudo; do
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
  fi
done
rule=/etc/sudoers.d/qubes-stateless-test
staged=$(mktemp)
trap 'rm -f "$staged"' EXIT
printf '%s\n' '# qubes-stateless permission tests (scripts/setup-test-user.sh)' 'qs-test ALL=(root) NOPASSWD: ALL' >"$staged"
visudo -cqf "$staged"
install -m 0440 -o root -g root "$staged" "$rule"
echo "setup-test-user.sh: qs-test (passwordless sudo) and qs-nosudo are ready"
