#!/usr/bin/env bash
# Debian packages the tests need beyond npm: Java 17 + Maven (local Kafka), Go (local FerretDB),
# Chromium (the dashboard test, driven by playwright-core; no browser download), a CJK font
# (so the dashboard's screenshots show the Chinese text) and docker-compose (the manifests test
# checks deploy/compose/compose.yaml with `docker-compose config`; no engine needed). Installs what
# is missing when run as root; otherwise says what to install. Idempotent: with everything present it does nothing.
set -euo pipefail
export PATH="$PATH:/usr/local/go/bin"

missing=()
if [ -z "${KAFKA_BROKERS:-}" ] || [ -z "${MONGODB_URI:-}" ]; then
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v go >/dev/null 2>&1 || missing+=(golang-go)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
