#!/usr/bin/env bash
# The deployment proof: builds the local base image and both service images, then runs the repository's
# docker-compose.yml with Debian's docker-compose (1.29.2) as a plant would, waits for both health checks,
# and drives both services with the Postman collection through newman:
#   - the node agent pulls an image from a local registry, serves it, lists/inspects it, replaces it through
#     the v3 (IDS) route and removes it;
#   - the drift detector reads from s3rver, detects drift, publishes to the IDS stand-in, swaps the reference.
# Ends with "N passed, N failed": newman's assertions (request and script errors count as failed) plus the
# deployment checks newman cannot see (log rotation, restart policy, hardening, health-check commands, the
# detector's user, what reached the IDS stand-in and s3rver, a clean `down`); exits non-zero on any failure. Needs root and a Docker engine (started when missing); installs docker-compose,
# debootstrap, docker-registry and busybox-static with apt-get when they are missing.
# Everything it starts listens on 127.0.0.1 or on the Docker network it uses; everything is removed at the end
# except the built images (kept as build cache).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
started_at=$(date +%s)

network=clarus_inference_network
project=clarus-e2e
tag=e2e
bucket=clarus-e2e
exp_id=Clarus_RedWine_experiment

log() { printf '[compose-e2e %3ss] %s\n' "$(($(date +%s) - started_at))" "$*" >&2; }
die() {
  log "error: $*"
  echo "0 passed, 1 failed"
  exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (dockerd, debootstrap)"

missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v docker-registry >/dev/null || missing+=(docker-registry)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash scripts/test-env/start-dockerd.sh
docker info >/dev/null 2>&1 || die "no Docker engine answers"
[ -x node_modules/.bin/newman ] || npx -y pnpm@10 install --frozen-lockfile >/dev/null

work=$(mktemp -d /var/tmp/clarus-compose-e2e.XXXXXX)
pids=()
created_network=false
registry_image=""
cleanup() {
  status=$?
  set +e
  if [ -f "$work/project/docker-compose.yml" ]; then
    if [ "$status" != 0 ]; then
      log "service logs (last 40 lines each):"
      (cd "$work/project" && docker-compose -p "$project" logs --no-color --tail=40) >&2 2>&1
    fi
    (cd "$work/project" && docker-compose -p "$project" down -v --remove-orphans) >/dev/null 2>&1
  fi
  docker rm -f clarus_ids_agent >/dev/null 2>&1
  # An inference the collection deployed but did not get to remove.
  docker ps -aq --filter label=clarus.managed-by=clarus-node-agent --filter label=clarus.inference.id=inference01 | xargs -r docker rm -f >/dev/null
  [ -n "$registry_image" ] && docker image rm -f "$registry_image" >/dev/null 2>&1
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  $created_network && docker network rm "$network" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_for() { # description seconds command...
  local what=$1 deadline=$(($(date +%s) + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$what did not happen in time"
    sleep 1
  done
}

# Deployment facts newman cannot see, counted with its assertions.
checks_passed=0
checks_failed=0
check() { # description command...
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then
    checks_passed=$((checks_passed + 1))
    log "ok: $what"
  else
    checks_failed=$((checks_failed + 1))
    log "FAILED: $what"
  fi
}
inspect_is() { [ "$(docker inspect --format "$2" "$1")" = "$3" ]; }

# Refuse to touch a real installation on this machine.
for name in clarus_node_agent data_drift_detector clarus_ids_agent; do
  owner=$(docker inspect --format '{{index .Config.Labels "com.docker.compose.project"}}' "$name" 2>/dev/null || true)
  if docker inspect "$name" >/dev/null 2>&1; then
    [ "$owner" = "$project" ] || [ "$name" = clarus_ids_agent ] || die "a container named $name already runs here (project '$owner'); not touching it"
    docker rm -f "$name" >/dev/null
  fi
done

log "base image"
bash deploy/build-base-image.sh
log "service images"
for service in node-agent drift-detector; do
  DOCKER_BUILDKIT=0 docker build -q --build-arg NODE_BASE=clarus/node-base:24 -f "packages/$service/Dockerfile" \
    -t "clarus/$service:$tag" . >"$work/build-$service.log" 2>&1 || { tail -n 40 "$work/build-$service.log" >&2; die "building clarus/$service failed"; }
done
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^clarus/(node-base:24|node-agent:e2e|drift-detector:e2e) ' | sed 's/^/[compose-e2e] image /' >&2

if ! docker network inspect "$network" >/dev/null 2>&1; then
  docker network create --driver=bridge "$network" >/dev/null
  created_network=true
fi
gateway=$(docker network inspect --format '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$network")
[ -n "$gateway" ] || die "network $network has no gateway address"

log "local registry with the test inference image"
registry_port=$(free_port)
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry/data
http:
  addr: 127.0.0.1:$registry_port
EOF
docker-registry serve "$work/registry/config.yml" >"$work/registry.log" 2>&1 &
pids+=($!)
wait_for "registry on 127.0.0.1:$registry_port" 20 node -e "fetch('http://127.0.0.1:$registry_port/v2/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
registry_image=127.0.0.1:$registry_port/redwine:prod
mkdir -p "$work/inference"
cp /bin/busybox "$work/inference/busybox"
printf 'clarus e2e inference\n' >"$work/inference/index.html"
cat >"$work/inference/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
COPY index.html /www/index.html
EXPOSE 8080
ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
EOF
docker build -q -t "$registry_image" "$work/inference" >/dev/null
docker push "$registry_image" >/dev/null
# The agent must pull it from the registry, not find it locally.
docker image rm -f "$registry_image" >/dev/null

log "s3rver on $gateway (the $network gateway) and the IDS agent stand-in"
s3_port=$(free_port)
mkdir -p "$work/s3"
ADDRESS=$gateway PORT=$s3_port DIRECTORY=$work/s3 BUCKET=$bucket REF_KEY=uc_wine/reference.csv NEW_KEY=uc_wine/new.csv \
  node deploy/e2e/s3-fixture.mjs >"$work/s3.log" 2>&1 &
pids+=($!)
wait_for "s3rver seeded" 30 grep -q '^ready$' "$work/s3.log"
docker run -d --name clarus_ids_agent --network "$network" --read-only \
  -e EXP_ID="$exp_id" -e IMAGE="$registry_image" -e IMAGE_PORT=8080 \
  -v "$repo/deploy/e2e/fake-ids-agent.mjs:/srv/fake-ids-agent.mjs:ro" clarus/node-base:24 node /srv/fake-ids-agent.mjs >/dev/null

log "docker-compose up"
mkdir -p "$work/project"
cp docker-compose.yml "$work/project/"
printf '{"auths":{}}\n' >"$work/project/config.json"
agent_port=$(free_port)
detector_port=$(free_port)
# Both services behind bearer tokens, as a careful plant runs them: the collection sends them from its environment.
agent_token=$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')
detector_token=$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')
cat >"$work/project/.env" <<EOF
LOG_LEVEL=info
AGENT_API_TOKEN=$agent_token
DRIFT_API_TOKEN=$detector_token
CLARUS_IMAGE_TAG=$tag
NODE_AGENT_HOST_PORT=$agent_port
DRIFT_DETECTOR_HOST_PORT=$detector_port
MINIO_IP=$gateway
MINIO_PORT=$s3_port
MINIO_USER=S3RVER
MINIO_PASSWORD=S3RVER
MINIO_BUCKET=$bucket
MINIO_REF_DATA=uc_wine/reference.csv
MINIO_NEW_DATA=uc_wine/new.csv
MINIO_REPORT_PATH=uc_wine/reports
EXPERIMENT_ID=$exp_id
IDS_PROVIDER_IP=clarus_ids_agent
IDS_PROVIDER_PORT=8082
EOF
(cd "$work/project" && docker-compose -p "$project" up -d --no-build) >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; die "docker-compose up failed"; }

healthy() { [ "$(docker inspect --format '{{.State.Health.Status}}' "$1")" = healthy ]; }
wait_for "clarus_node_agent healthy" 120 healthy clarus_node_agent
wait_for "data_drift_detector healthy" 120 healthy data_drift_detector
log "both services healthy"
for name in clarus_node_agent data_drift_detector; do
  check "$name: json-file logs rotated at 10m x 5" inspect_is "$name" \
    '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}} {{index .HostConfig.LogConfig.Config "max-file"}}' "json-file 10m 5"
  check "$name: restart unless-stopped" inspect_is "$name" '{{.HostConfig.RestartPolicy.Name}}' unless-stopped
  check "$name: read-only root filesystem, no-new-privileges" inspect_is "$name" \
    '{{.HostConfig.ReadonlyRootfs}} {{join .HostConfig.SecurityOpt ","}}' "true no-new-privileges:true"
  check "$name: on network $network" inspect_is "$name" "{{if index .NetworkSettings.Networks \"$network\"}}yes{{end}}" yes
done
check "clarus_node_agent: health check is GET /api/health" \
  sh -c "docker inspect --format '{{json .Config.Healthcheck.Test}}' clarus_node_agent | grep -q /api/health"
check "data_drift_detector: health check is GET /api/ping" \
  sh -c "docker inspect --format '{{json .Config.Healthcheck.Test}}' data_drift_detector | grep -q /api/ping"
check "clarus_node_agent: Docker socket and registry config mounted" \
  docker exec clarus_node_agent sh -c 'test -S /var/run/docker.sock && test -f /etc/clarus/docker/config.json'
check "data_drift_detector: does not get the agent's API token" sh -c '[ -z "$(docker exec data_drift_detector printenv AGENT_API_TOKEN)" ]'
check "clarus_node_agent: refuses /api/inference/all without its token (401)" sh -c \
  "[ \"\$(node -e \"fetch('http://127.0.0.1:$agent_port/api/inference/all').then(r=>console.log(r.status))\")\" = 401 ]"
check "data_drift_detector: runs as the non-root user node" sh -c '[ "$(docker exec data_drift_detector id -un)" = node ]'

log "newman"
inference_port=$(free_port)
inference_v3_port=$(free_port)
set +e
node_modules/.bin/newman run postman/ClarusInference.postman_collection.json \
  -e postman/ClarusInference.postman_environment.json \
  --env-var clarus_inference_kit_ip=127.0.0.1 \
  --env-var node_agent_port="$agent_port" \
  --env-var drift_detector_port="$detector_port" \
  --env-var registry="127.0.0.1:$registry_port" \
  --env-var inference_forward_port="$inference_port" \
  --env-var inference_v3_forward_port="$inference_v3_port" \
  --env-var exp_id="$exp_id" \
  --env-var node_agent_api_token="$agent_token" \
  --env-var drift_detector_api_token="$detector_token" \
  --timeout-request 120000 \
  --reporters cli,json --reporter-json-export "$work/newman.json" --color off >&2
newman_status=$?
set -e

counts=$(node -e '
  const { run } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const s = run.stats;
  const failed = s.assertions.failed + s.requests.failed + s.testScripts.failed + s.prerequestScripts.failed;
  console.log(`${s.assertions.total - s.assertions.failed} ${failed}`);
' "$work/newman.json" 2>/dev/null || echo "0 1")
read -r passed failed <<<"$counts"
[ "$newman_status" = 0 ] || [ "$failed" -gt 0 ] || failed=1

check "the IDS stand-in accepted the detector's dataset (POST /api/provider/asset 201)" \
  sh -c "docker logs clarus_ids_agent | grep -q '\"method\":\"POST\",\"url\":\"/api/provider/asset\",\"status\":201'"
objects=$work/s3/$bucket/uc_wine
check "s3rver: the reference now holds the new data" cmp "$objects/reference.csv._S3rver_object" "$objects/new.csv._S3rver_object"
check "s3rver: the old reference is archived under uc_wine/history" sh -c "ls '$objects'/history/*._S3rver_object"
check "s3rver: HTML and JSON reports written under uc_wine/reports" \
  sh -c "ls '$objects'/reports/*.html._S3rver_object && ls '$objects'/reports/*.json._S3rver_object"

if [ "$((failed + checks_failed))" != 0 ]; then
  log "service and IDS stand-in logs (last 40 lines each), before they are taken down:"
  (cd "$work/project" && docker-compose -p "$project" logs --no-color --tail=40) 2>&1
  docker logs --tail 40 clarus_ids_agent 2>&1
fi
log "docker-compose down"
check "docker-compose down" sh -c "cd '$work/project' && docker-compose -p '$project' down -v"
check "nothing of the project is left" sh -c "[ -z \"\$(docker ps -aq --filter label=com.docker.compose.project=$project)\" ]"
log "done in $(($(date +%s) - started_at)) s"
echo "$((passed + checks_passed)) passed, $((failed + checks_failed)) failed"
[ "$((failed + checks_failed))" = 0 ]
