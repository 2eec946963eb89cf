#!/usr/bin/env bash
# The project's Kafka broker (KRaft, loopback): see ingest/telemetry/broker.py.
#   scripts/kafka.sh fetch          jars from Maven Central into .cache/kafka/libs (once)
#   scripts/kafka.sh run FOLDER     a broker on 127.0.0.1 with its data in FOLDER, until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${NIJTA_VENV:-.venv}/bin/python" -m ingest.telemetry.broker "$@"
