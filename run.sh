#!/usr/bin/env bash
# Runs the Governance service on this machine:  ./run.sh        (service on http://127.0.0.1:7071)
#                                               ./run.sh demo   (every demo scenario, accelerated clock)
# Installs Azurite (npm ci) if needed, starts it with data in .azurite/ unless AzureWebJobsStorage points
# elsewhere, builds and starts the service. Ctrl-C stops both. Instances survive a restart (data on disk).
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
cleanup() {
  if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
    echo "Azurite stopped."
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "$STORAGE" ] || [ "$STORAGE" = "UseDevelopmentStorage=true" ]; then
  if port_open 10000 && port_open 10001 && port_open 10002; then
    echo "Storage emulator already listening on 10000-10002; using it."
  else
    mkdir -p .azurite
    node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --location "$ROOT/.azurite" \
      --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .azurite/azurite.log 2>&1 &
    AZURITE_PID=$!
    for _ in $(seq 1 100); do
      if port_open 10000 && port_open 10001 && port_open 10002; then break; fi
      kill -0 "$AZURITE_PID" 2>/dev/null || { echo "Azurite failed to start; see .azurite/azurite.log" >&2; exit 1; }
      sleep 0.2
    done
    echo "Azurite started (data in .azurite/, log .azurite/azurite.log)."
  fi
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
echo "Ctrl-C stops the service and Azurite."
echo

set +e
GOVERNANCE_ROOT="$ROOT" dotnet src/Functions/bin/Release/net10.0/Governance.Functions.dll --urls "$URL" "$@"
STATUS=$?
set -e
exit $STATUS
