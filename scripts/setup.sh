#!/usr/bin/env bash
# Installs everything ai-shorts needs on a fresh Debian machine that has Node and npm:
# Debian packages (Chromium for rendering, ffmpeg/sox for checks, Java for DynamoDB Local)
# and the npm packages, which bring Node 22 (the `node` package) into node_modules/.bin.
# Idempotent: a second run only checks, in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  started=$SECONDS
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "setup: Debian packages installed in $((SECONDS - started)) s"
fi

stamp=node_modules/.setup-stamp
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm packages (npm ci)"
  started=$SECONDS
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
  echo "setup: npm packages installed in $((SECONDS - started)) s"
fi

node_major="$(node_modules/.bin/node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 22 ]; then
  echo "setup: node_modules/.bin/node is Node $node_major; Node 22+ is required" >&2
  exit 1
fi
