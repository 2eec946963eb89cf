#!/usr/bin/env bash
# Bootstrap a fresh machine for nijta, skipping whatever is already there:
#   1. Java 17+ (Spark 4.2 needs it) and Maven (fetches the Delta jars);
#   2. a .venv with nijta installed editable with every runtime and dev dependency
#      (torch from PyPI is a multi-GB download: installed once, skipped after);
#   3. the PII detector compiled with mypyc into .cache/mypyc (anonymize/detection/compiled.py);
#   4. the Delta Lake jars from Maven Central into .cache/jars (see featurestore/jars.py).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${NIJTA_VENV:-.venv}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

say() { printf '\033[1mnijta setup:\033[0m %s\n' "$*" >&2; }

java_major() {
  local java=java
  [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
  "$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}

need_apt=()
major=$(java_major || true)
if [ -z "$major" ] || [ "$major" -lt 17 ]; then need_apt+=(openjdk-17-jdk-headless); fi
command -v mvn >/dev/null || need_apt+=(maven)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing ${need_apt[*]}; install them (Java 17+ and Maven) and re-run"; exit 1
  fi
  say "installing ${need_apt[*]} from Debian packages"
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
say "java $(java_major) ok"

# PostgreSQL's server binaries, for the SQL store tests: they run their own throwaway server
# on 127.0.0.1 (nijta/services/postgres.py), so Debian's default cluster is not even created
# (an older postgresql-common ignores that setting: its cluster is stopped right after).
if ! command -v initdb >/dev/null && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing PostgreSQL (initdb); install Debian's postgresql package and re-run"; exit 1
  fi
  say "installing postgresql from Debian packages (no cluster is started)"
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = off' > /etc/postgresql-common/createcluster.d/nijta.conf
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
    >/dev/null
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h | while read -r version cluster _; do
      pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true
    done
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip setuptools wheel
fi

# Re-install only when the [project] table (dependencies, scripts) changed since the last
# successful install; tool settings (pytest, ruff) do not count.
stamp="$VENV/.nijta-deps"
want=$("$VENV/bin/python" -c 'import json, tomllib; print(json.dumps(tomllib.load(open("pyproject.toml", "rb"))["project"], sort_keys=True))' | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing nijta and its dependencies into $VENV (first time: several GB, mostly torch)"
  "$VENV/bin/pip" install -q -e ".[dev]"
  echo "$want" > "$stamp"
else
  say "dependencies already installed"
fi

# The PII detector's modules compiled with mypyc (~30 s once per source change); without a C
# compiler it says why and the detector runs as plain Python.
"$VENV/bin/python" -m anonymize.detection.mypyc_build build >&2 || true
"$VENV/bin/python" -m featurestore.jars fetch >&2
"$VENV/bin/python" -m ingest.telemetry.broker fetch >&2
