#!/bin/sh
# One-shot job (temporalio/admin-tools, or anywhere the temporal CLI is on
# PATH): waits for the cluster, creates the namespace if missing, then
# registers the search attributes listed in SEARCH_ATTRIBUTES
# ("Name=Type Name2=Type2", types as `temporal operator search-attribute
# create --type` takes them). Safe to run again.
set -eu
ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${NAMESPACE:-default}
RETENTION=${NAMESPACE_RETENTION:-7d}
ATTEMPTS=${HEALTH_ATTEMPTS:-30}

# Prefer an IPv4 address: the CLI may otherwise try an IPv6 address the
# server does not listen on.
host=${ADDRESS%:*}
port=${ADDRESS##*:}
ip=$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }' || true)
[ -n "$ip" ] && ADDRESS="$ip:$port"

# wait_for WHAT COMMAND...: runs COMMAND every 2 s until it succeeds, at most
# $ATTEMPTS times; then gives up naming WHAT.
wait_for() {
  what=$1
  shift
  attempt=1
  until "$@" >/dev/null 2>&1; do
    if [ "$attempt" -ge "$ATTEMPTS" ]; then
      echo "$what after $ATTEMPTS attempts" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

wait_for "Temporal at $ADDRESS is not healthy" temporal operator cluster health --address "$ADDRESS"
echo "Temporal at $ADDRESS is healthy"

if temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace '$NAMESPACE' exists"
else
  temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace '$NAMESPACE' created (retention $RETENTION)"
fi

# A new namespace reaches the server's namespace cache after a few seconds;
# until then listing its search attributes fails, so wait for that first.
list_attributes() {
  temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" -o json
}
if [ -n "${SEARCH_ATTRIBUTES:-}" ]; then
  wait_for "namespace '$NAMESPACE' is not usable" list_attributes
fi

for spec in $(echo "${SEARCH_ATTRIBUTES:-}" | tr ',' ' '); do
  name=${spec%%=*}
  type=${spec#*=}
  if list_attributes | grep -q "\"$name\""; then
    echo "search attribute '$name' exists"
  else
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$name" --type "$type"
    echo "search attribute '$name' ($type) created"
  fi
done
