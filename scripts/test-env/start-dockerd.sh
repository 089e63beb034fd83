#!/usr/bin/env bash
# Starts a Docker engine for the tests when none answers (CI and fresh dev machines run none).
# Idempotent: does nothing if `docker info` already works.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
if ! command -v dockerd >/dev/null; then
  echo "dockerd not installed (apt-get install docker.io); Docker tests will be skipped" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "dockerd needs root; Docker tests will be skipped" >&2
  exit 0
fi
log=/tmp/clarus-dockerd.log
nohup dockerd --host=unix:///var/run/docker.sock >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 0.5
done
echo "dockerd did not come up; last log lines:" >&2
tail -n 30 "$log" >&2
exit 1
