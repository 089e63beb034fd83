#!/usr/bin/env bash
# Screenshots the node agent's Swagger UI into images/swagger-ui.png with headless Chromium:
#   bash images/swagger-ui.sh
# Builds the packages, starts the agent on a free 127.0.0.1 port, loads /swagger and waits for Swagger UI to render.
# The page is the API description and needs no engine, so the agent gets an engine address that answers nothing:
# at start it acts on every agent-managed container of its engine, which must not touch a real installation's.
set -euo pipefail
cd "$(dirname "$0")/.."
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium not found (apt-get install chromium)" >&2; exit 1; }

npx -y pnpm@10 build >/dev/null
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
profile=$(mktemp -d)
PORT=$port LOG_LEVEL=silent DOCKER_HOST="unix://$profile/no-engine.sock" node packages/node-agent/dist/main.js &
agent=$!
trap 'kill $agent 2>/dev/null; wait $agent 2>/dev/null; rm -rf "$profile"' EXIT

for _ in $(seq 1 50); do
  node -e "fetch('http://127.0.0.1:$port/api/ping').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" && break
  sleep 0.2
done

# The virtual time budget lets Swagger UI fetch /openapi.json and render before the shot.
"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
  --virtual-time-budget=10000 --window-size=1280,1030 --screenshot=images/swagger-ui.png \
  "http://127.0.0.1:$port/swagger/" 2>/dev/null
echo "wrote images/swagger-ui.png"
