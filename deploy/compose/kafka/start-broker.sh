#!/bin/bash
# One broker of the compose cluster (apache/kafka image, KRaft, combined broker and controller),
# secured as deploy/local/kafkaLocal.ts secures the development broker: clients and brokers speak
# SASL_SSL with SCRAM-SHA-512, the controllers SASL_SSL with PLAIN (KRaft keeps SCRAM credentials in
# the metadata the controllers serve, so they cannot log each other in with SCRAM), the
# StandardAuthorizer refuses whatever no ACL allows, and admin is the only super user.
#
# SCRAM users exist from the start: the storage is formatted with --add-scram for every principal
# whose password is mounted as /run/secrets/kafka-user-<principal>. Topics and ACLs come from the
# provision service (the repository's own lists).
set -euo pipefail

: "${KAFKA_NODE_ID:?KAFKA_NODE_ID is required}"
: "${CLUSTER_ID:?CLUSTER_ID is required (kafka-storage.sh random-uuid)}"
QUORUM="${KAFKA_CONTROLLER_QUORUM:-1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093}"
DATA=/var/lib/kafka/data
CONF=/tmp/server.properties
secret() { tr -d '\r\n' <"/run/secrets/$1"; }

ADMIN_PASSWORD="$(secret kafka-user-admin)"
# The listener's key (PKCS#8) and certificate chain in one PEM file, as Kafka's PEM keystore wants.
cat /run/secrets/kafka-broker.key /run/secrets/kafka-broker.crt >/tmp/listener.pem
chmod 600 /tmp/listener.pem

scram_login="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"${ADMIN_PASSWORD}\";"
plain_login="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"${ADMIN_PASSWORD}\" user_admin=\"${ADMIN_PASSWORD}\";"

cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${QUORUM}
listeners=SASL_SSL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093
advertised.listeners=SASL_SSL://kafka-${KAFKA_NODE_ID}:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scram_login}
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=${plain_login}
ssl.keystore.type=PEM
ssl.keystore.location=/tmp/listener.pem
ssl.truststore.type=PEM
ssl.truststore.location=/run/secrets/trust.crt
ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=${DATA}
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
auto.create.topics.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
log.retention.hours=168
PROPS

if [ ! -f "$DATA/meta.properties" ]; then
  scram=()
  for f in /run/secrets/kafka-user-*; do
    user="${f#/run/secrets/kafka-user-}"
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user},password=$(secret "kafka-user-${user}")]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "$CLUSTER_ID" -c "$CONF" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$CONF"
