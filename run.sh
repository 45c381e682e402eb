#!/usr/bin/env bash
# Runs the Governance service on this machine:  ./run.sh        (service on http://127.0.0.1:7071)
#                                               ./run.sh demo   (every demo scenario, accelerated clock)
# Installs Azurite (npm ci) if needed, starts this checkout's own Azurite with data in .azurite/ (ports
# 10000-10002, or AZURITE_PORTS="blob queue table"; other free ports if those are taken, and says so) unless AzureWebJobsStorage points elsewhere, builds and starts the
# service. Ctrl-C stops the service, then Azurite. Instances survive a restart (data on disk).
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$PWD"

if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "Created local.settings.json from local.settings.sample.json (git-ignored; edit keys there)."
fi

if ! node -e 'process.exit(require("./node_modules/azurite/package.json").version === "3.35.0" ? 0 : 1)' 2>/dev/null; then
  echo "Installing Azurite 3.35.0 (npm ci)..."
  npm ci --no-audit --no-fund
fi

# Storage: environment variable wins over local.settings.json (standard .NET configuration order).
STORAGE="${AzureWebJobsStorage:-$(node -e 'const v=(require("./local.settings.json").Values||{}); process.stdout.write(v.AzureWebJobsStorage||"")')}"
AZURITE_PID=""
SERVICE_PID=""
# Waits up to $2 seconds for process $1 to end; then kills it.
stop_within() {
  for _ in $(seq 1 $(( $2 * 10 ))); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  trap '' INT TERM # a second Ctrl-C must not skip stopping Azurite
  # The service first (it stops within 5 s whatever storage does; killed after 10), then Azurite.
  if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    stop_within "$SERVICE_PID" 10
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  if [ -n "$AZURITE_PID" ]; then
    if kill -0 "$AZURITE_PID" 2>/dev/null; then
      kill "$AZURITE_PID" 2>/dev/null || true
      stop_within "$AZURITE_PID" 10
      wait "$AZURITE_PID" 2>/dev/null || true
      echo "Azurite stopped."
    fi
    rm -f .azurite/azurite.pid
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Three free loopback ports, chosen by the OS.
free_ports() {
  node -e 'const net=require("net");(async()=>{const s=[];for(let i=0;i<3;i++){const v=net.createServer();await new Promise(r=>v.listen(0,"127.0.0.1",r));s.push(v);}
    console.log(s.map(v=>v.address().port).join(" "));s.forEach(v=>v.close());})()'
}

if [ -z "$STORAGE" ] || [ "$STORAGE" = "UseDevelopmentStorage=true" ]; then
  # Always this checkout's own Azurite and data (.azurite/): never whatever else listens on 10000-10002.
  mkdir -p .azurite
  if [ -f .azurite/azurite.pid ] && ps -p "$(cat .azurite/azurite.pid)" -o args= 2>/dev/null | grep -q azurite; then
    echo "This checkout's Azurite is already running (pid $(cat .azurite/azurite.pid)): is another ./run.sh running here? Stop it first (Ctrl-C there, or: kill $(cat .azurite/azurite.pid))." >&2
    exit 1
  fi
  read -r BLOB QUEUE TABLE <<< "${AZURITE_PORTS:-10000 10001 10002}"
  if port_open "$BLOB" || port_open "$QUEUE" || port_open "$TABLE"; then
    WANTED="$BLOB, $QUEUE, $TABLE"
    read -r BLOB QUEUE TABLE < <(free_ports)
    echo "Ports $WANTED are in use by another process (not this checkout's Azurite); using ports $BLOB, $QUEUE, $TABLE instead."
  fi
  node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --location "$ROOT/.azurite" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$BLOB" --queuePort "$QUEUE" --tablePort "$TABLE" > .azurite/azurite.log 2>&1 &
  AZURITE_PID=$!
  echo "$AZURITE_PID" > .azurite/azurite.pid
  for _ in $(seq 1 100); do
    if port_open "$BLOB" && port_open "$QUEUE" && port_open "$TABLE"; then break; fi
    kill -0 "$AZURITE_PID" 2>/dev/null || { echo "Azurite failed to start; see .azurite/azurite.log" >&2; exit 1; }
    sleep 0.2
  done
  ACCOUNT_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="  # Azurite's published development key
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$ACCOUNT_KEY;BlobEndpoint=http://127.0.0.1:$BLOB/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE/devstoreaccount1;"
  echo "Azurite started on ports $BLOB (blob), $QUEUE (queue), $TABLE (table); data in .azurite/, log .azurite/azurite.log."
else
  echo "Using storage from AzureWebJobsStorage (not starting Azurite)."
fi

echo "Building the service..."
dotnet build src/Functions -c Release -v quiet -nologo -clp:ErrorsOnly

URL="${ASPNETCORE_URLS:-${urls:-http://127.0.0.1:7071}}"
KEY_INFO="$(node -e '
  const v=(require("./local.settings.json").Values||{});
  for (let i=0;i<20;i++){ if(v[`Auth__Keys__${i}__Role`]==="staff" && v[`Auth__Keys__${i}__Secret`]){ console.log(v[`Auth__Keys__${i}__Name`]+": "+v[`Auth__Keys__${i}__Secret`]); break; } }')"
echo
echo "Governance service: $URL   (OpenAPI: $URL/openapi/v1.json, health: $URL/healthz)"
[ -n "$KEY_INFO" ] && echo "Development staff key (x-functions-key header) $KEY_INFO"
if [[ " $* " == *" demo "* ]]; then
  echo "Demo mode: runs every scenario in its own task hub, prints the story, then stops."
else
  echo "Ctrl-C stops the service, then Azurite."
fi
echo

GOVERNANCE_ROOT="$ROOT" dotnet src/Functions/bin/Release/net10.0/Governance.Functions.dll --urls "$URL" "$@" &
SERVICE_PID=$!
set +e
wait "$SERVICE_PID"
STATUS=$?
set -e
SERVICE_PID=""
exit $STATUS
