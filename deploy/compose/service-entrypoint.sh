#!/bin/sh
# Entry point of the project's image (compose and Kubernetes). The services read their SCRAM
# password from KAFKA_SASL_PASSWORD only; compose hands secrets over as files, so the file
# /run/secrets/kafka-password, when mounted, is exported as that variable. The node arguments are
# deploy/build.ts's serviceNodeArgs (heap limits and source maps; tests/infra/manifests.unit.spec.ts
# checks they agree).
set -eu
if [ -r /run/secrets/kafka-password ]; then
  KAFKA_SASL_PASSWORD="$(cat /run/secrets/kafka-password)"
  export KAFKA_SASL_PASSWORD
fi
service="${1:?usage: service-entrypoint.sh node|certs|monitor|cli|provision [args]}"
shift
case "$service" in
  node | certs | monitor | cli)
    exec node --max-old-space-size=160 --max-semi-space-size=16 --enable-source-maps "/app/dist/$service.mjs" "$@"
    ;;
  provision)
    exec /app/node_modules/.bin/tsx /app/deploy/compose/provision.ts "$@"
    ;;
  *)
    echo "unknown service: $service (node, certs, monitor, cli, provision)" >&2
    exit 2
    ;;
esac
