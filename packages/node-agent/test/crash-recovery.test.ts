// `kill -9` of a real agent process at every instant of deploy, replace and remove, on the real engine and on either
// backend (each has its own engine calls, so its own table in docs/node-agent.md): a proxy in front of the Docker
// socket holds the chosen engine call (before the engine gets it, while it works on it, or after it answered) and the
// agent is killed right there. After a restart the inference serves the version the table names, or is gone, nothing
// else of it is left, and the next deploy works. Every instant runs in several lanes at once (each its own agent
// process, proxy and AGENT_NAME).
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AgentProcess, buildAgent, spawnAgent } from "./helpers/agent-process.js";
import { type AgentTestBed, openAgentTestBed, runtimeEnv } from "./helpers/agent-test-bed.js";
import { fetchInference } from "./helpers/agent-under-test.js";
import { inferenceOnEngine } from "./helpers/inference-on-engine.js";
import { describeWithDocker, eventually, freePort, testDocker } from "./support/docker-env.js";
import { type DockerSocketProxy, type HoldRule, startDockerSocketProxy } from "./support/docker-socket-proxy.js";
import { TEST_RUNTIME, testOnDocker } from "./support/swarm.js";

type Version = "v1" | "v2";
/**
 * The change the agent is killed in: a first deploy (of v1, or of a crashing image), a replacement of v1 by v2 or by
 * a crashing image, a removal of v1.
 */
type Change = "deploy" | "failed deploy" | "replace" | "failed replace" | "remove";

interface Instant {
  /** As the table of docs/node-agent.md names it; the change is what precedes the colon. */
  name: string;
  change: Change;
  /** What the restarted agent leaves: this version serving, or nothing. */
  after: Version | "gone";
  /**
   * The engine call the agent is killed at; `old` is the full id of v1's container, or of its service on swarm (none
   * for a first deploy).
   */
  hold: (target: { id: string; old: string }) => HoldRule;
  /** Seconds v1 takes to stop gracefully (serving meanwhile), so that a kill lands inside its stop. */
  stopDelay?: number;
}

type Moment = HoldRule["moment"];
const CONTAINER_ID = "[0-9a-f]{64}";
const regexLiteral = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const call = (method: string, path: string, moment: Moment): HoldRule => ({ method, path: new RegExp(path), moment });

// The engine calls a change makes, as hold rules.
const pull = () => call("POST", "^/images/create\\?", "during");
/** The create of the inference's own container (`id`) or of a replacement's candidate (`id.next-…`). */
const create = (id: string, role: "inference" | "candidate", moment: Moment) =>
  call("POST", `^/containers/create\\?name=${regexLiteral(id)}${role === "inference" ? "(&|$)" : "\\.next-"}`, moment);
/** POST /containers/{container}/{action}, or DELETE /containers/{container} for the action "delete". */
const onContainer = (container: string, action: string, moment: Moment) =>
  action === "delete"
    ? call("DELETE", `^/containers/${container}(\\?|$)`, moment)
    : call("POST", `^/containers/${container}/${action}(\\?|$)`, moment);
/** Any container but the old version's: the candidate. */
const notOld = (old: string) => `(?!${old})${CONTAINER_ID}`;

function at(name: string, after: Instant["after"], hold: Instant["hold"], stopDelay?: number): Instant {
  return { name, change: name.slice(0, name.indexOf(":")) as Change, after, hold, stopDelay };
}

const DOCKER_INSTANTS: Instant[] = [
  at("deploy: during the pull", "gone", pull),
  at("deploy: before the create", "gone", ({ id }) => create(id, "inference", "before")),
  at("deploy: after the create", "v1", ({ id }) => create(id, "inference", "after")),
  at("deploy: after the start", "v1", () => onContainer(CONTAINER_ID, "start", "after")),
  at("deploy: ready, before the restart policy is set", "v1", () => onContainer(CONTAINER_ID, "update", "before")),
  at("replace: during the pull", "v1", pull),
  at("replace: after the candidate's create", "v1", ({ id }) => create(id, "candidate", "after")),
  at("replace: during the old version's stop", "v1", ({ old }) => onContainer(old, "stop", "during"), 2),
  at("replace: after the old version's stop", "v1", ({ old }) => onContainer(old, "stop", "after")),
  at("replace: after the candidate's start", "v1", () => onContainer(CONTAINER_ID, "start", "after")),
  at("replace: candidate ready, before its restart policy is set", "v1", () => onContainer(CONTAINER_ID, "update", "before")),
  at("replace: after the candidate's restart policy is set", "v2", () => onContainer(CONTAINER_ID, "update", "after")),
  at("replace: after the old version's removal", "v2", ({ old }) => onContainer(old, "delete", "after")),
  at("replace: before the candidate's rename", "v2", () => onContainer(CONTAINER_ID, "rename", "before")),
  at("replace: after the candidate's rename", "v2", () => onContainer(CONTAINER_ID, "rename", "after")),
  at("failed replace: after the failed candidate's stop", "v1", ({ old }) => onContainer(notOld(old), "stop", "after")),
  at("failed replace: after the old version's restart", "v1", ({ old }) => onContainer(old, "start", "after")),
  at("failed replace: before the failed candidate's removal", "v1", ({ old }) => onContainer(notOld(old), "delete", "before")),
  at("remove: before the rename", "v1", ({ old }) => onContainer(old, "rename", "before")),
  at("remove: after the rename", "gone", ({ old }) => onContainer(old, "rename", "after")),
  at("remove: during the stop", "gone", ({ old }) => onContainer(old, "stop", "during"), 2),
  at("remove: after the stop", "gone", ({ old }) => onContainer(old, "stop", "after")),
  at("remove: after the removal", "gone", ({ old }) => onContainer(old, "delete", "after")),
];

// On swarm: the registry lookup that pins the digest, the deployment's mark (a swarm config written before the
// service's create or update and removed once it serves), the service's create, update and removal.
/** Swarm object ids: 25 lowercase letters and digits. */
const SWARM_ID = "[0-9a-z]{25}";
const lookup = () => call("GET", "^/distribution/", "during");
const createService = (moment: Moment) => call("POST", "^/services/create$", moment);
const updateService = (service: string, moment: Moment) => call("POST", `^/services/${service}/update\\?`, moment);
const unmark = () => call("DELETE", `^/configs/${SWARM_ID}$`, "before");

const SWARM_INSTANTS: Instant[] = [
  at("deploy: during the registry lookup", "gone", lookup),
  at("deploy: marked, before the create", "gone", () => createService("before")),
  at("deploy: after the create", "v1", () => createService("after")),
  at("deploy: ready, before the mark's removal", "v1", unmark),
  at("failed deploy: after the create", "gone", () => createService("after")),
  at("replace: during the registry lookup", "v1", lookup),
  at("replace: marked, before the update", "v1", ({ old }) => updateService(old, "before")),
  at("replace: after the update", "v2", ({ old }) => updateService(old, "after")),
  at("replace: ready, before the mark's removal", "v2", unmark),
  at("failed replace: after the update", "v1", ({ old }) => updateService(old, "after")),
  at("remove: before the removal", "v1", ({ old }) => call("DELETE", `^/services/${old}$`, "before")),
  at("remove: after the removal", "gone", ({ old }) => call("DELETE", `^/services/${old}$`, "after")),
];

const onSwarm = TEST_RUNTIME === "swarm";
const INSTANTS = onSwarm ? SWARM_INSTANTS : DOCKER_INSTANTS;
/** The section of docs/node-agent.md whose table lists this backend's instants. */
const TABLE_SECTION = onSwarm ? "### Crash safety on swarm" : "## Crash safety";
const onEngine = inferenceOnEngine(TEST_RUNTIME);

/** The "Afterwards" column of the table in docs/node-agent.md. */
function outcome(instant: Instant): string {
  if (instant.after === "gone") return "nothing is left";
  if (instant.change === "remove") return "the inference still serves";
  return instant.after === "v2" || instant.change === "deploy" ? "the new version serves" : "the previous version serves";
}

test(`the crash-safety table of docs/node-agent.md (${TABLE_SECTION}) names exactly these instants, with these outcomes, in this order`, async () => {
  const page = await readFile(resolve(import.meta.dirname, "../../../docs/node-agent.md"), "utf8");
  const section = page.slice(page.indexOf(`\n${TABLE_SECTION}\n`));
  const table = section.slice(section.indexOf("| Killed at")).split("\n\n")[0]!.split("\n").slice(2);
  const rows = table.map((row) => row.split("|").map((cell) => cell.trim()));
  expect(rows.map((cells) => [cells[1], cells[3]])).toEqual(INSTANTS.map((instant) => [instant.name, outcome(instant)]));
});

/** Lanes at once: swarm's rollouts take seconds each, so it runs two. */
const LANES = onSwarm ? 2 : 3;

interface Lane {
  tag: string;
  network: string;
  proxy: DockerSocketProxy;
  env: Record<string, string>;
  agent: AgentProcess;
}

describeWithDocker("node agent: kill -9 at every instant of deploy, replace and remove", () => {
  let bed: AgentTestBed;
  const refs: Record<Version | "broken", string> = { v1: "", v2: "", broken: "" };
  const lanes: Lane[] = [];
  let trials = 0;

  beforeAll(async () => {
    buildAgent();
    bed = await openAgentTestBed("crash");
    const built = await Promise.all([
      bed.publishImage("model", "v1", "http", { marker: "model-v1" }),
      bed.publishImage("model", "v2", "http", { marker: "model-v2" }),
      bed.publishImage("model", "broken", "crash", { exitCode: 3 }),
    ]);
    [refs.v1, refs.v2, refs.broken] = built.map((image) => image.ref) as [string, string, string];
    for (let i = 0; i < LANES; i++) {
      const tag = `lane${i}`;
      // A network per lane: its endpoints are one agent's alone, and the end checks that each can be removed.
      const network = await bed.scope.createNetwork(`${tag}-network`);
      const proxy = await startDockerSocketProxy(join(tmpdir(), `${bed.scope.prefix}-${tag}.sock`));
      const env = {
        PORT: String(await freePort()),
        AGENT_NAME: `${bed.scope.prefix}-${tag}`,
        AGENT_API_TOKEN: `crash-${bed.scope.prefix}`,
        INFERENCE_NETWORK: network,
        DOCKER_CONFIG: bed.dockerConfig.dir,
        DOCKER_HOST: proxy.dockerHost,
        PORT_BIND_HOST: "127.0.0.1",
        STOP_TIMEOUT_SECONDS: "5",
        LOG_LEVEL: "info",
        ...runtimeEnv(TEST_RUNTIME),
        // A process of its own cannot probe from the bed's overlay container: on swarm it probes the host-mode port.
        ...(onSwarm ? { READINESS_PROBE: "host", READINESS_TIMEOUT_SECONDS: "20" } : { READINESS_TIMEOUT_SECONDS: "10" }),
      };
      lanes.push({ tag, network, proxy, env, agent: await spawnAgent(env) });
    }
  });

  afterAll(async () => {
    await Promise.all(lanes.map((lane) => lane.agent.kill()));
    await Promise.all(lanes.map((lane) => lane.proxy.close()));
    await bed?.close();
  });

  const deploy = (agent: AgentProcess, id: string, version: Version | "broken", port: number, env: Record<string, string> = {}) =>
    agent.call("POST", "/api/inference/deploy", {
      inference_id: id,
      docker_img_uri: refs[version],
      inference_rest_api_port: 8080,
      inference_rest_api_forward_port: port,
      env,
    });

  /** What the engine and the agent show for `id`: its one container (or service) serving `version`, or nothing at all. */
  async function expectSettled(
    lane: Lane,
    id: string,
    port: number,
    version: Version | "gone",
    why: string,
    /** How long the engine may still take: a swarm rollback the restarted agent waited for a bounded time. */
    engineFinishesMs = 0,
  ) {
    if (version !== "gone" && engineFinishesMs > 0) {
      await eventually(
        async () => expect(await onEngine.snapshot(id)).toEqual([`${id} ${refs[version]} running`]),
        engineFinishesMs,
      );
    }
    const snapshot = await onEngine.snapshot(id);
    const listed = (await lane.agent.call("GET", "/api/inference/all")).body.filter(
      (i: { inference_id: string }) => i.inference_id === id,
    );
    if (version === "gone") {
      expect(snapshot, why).toEqual([]);
      expect(listed, why).toEqual([]);
      // A removed service's tasks are removed by the engine after the service; a container goes at once.
      await eventually(async () => expect(await onEngine.container(id), why).toBeUndefined(), onSwarm ? 30_000 : 0);
      // An endpoint the engine kept for a removed container would keep the network from being removed.
      const endpoints = Object.values((await testDocker.getNetwork(lane.network).inspect()).Containers ?? {});
      expect(
        endpoints.map((endpoint) => endpoint.Name).filter((name) => name.startsWith(id)),
        why,
      ).toEqual([]);
      return;
    }
    expect(snapshot, why).toEqual([`${id} ${refs[version]} running`]);
    expect(
      listed.map((i: { state: string; docker_img_uri: string }) => [i.state, i.docker_img_uri]),
      why,
    ).toEqual([["running", refs[version]]]);
    // Proven ready: the container's restart policy is set, or no mark of an unfinished deployment is left.
    if (onSwarm) {
      expect(await testDocker.listConfigs({ filters: { label: [`clarus.inference.id=${id}`] } }), why).toEqual([]);
    } else {
      expect((await testDocker.getContainer(id).inspect()).HostConfig.RestartPolicy?.Name, why).toBe("unless-stopped");
    }
    // The restarted agent listens only once its recovery is over: by then the inference accepts connections.
    expect(await fetchInference(port), why).toBe(`model-${version} \n`);
  }

  async function trial(lane: Lane, instant: Instant) {
    const id = bed.scope.name(`${lane.tag}-n${++trials}-inference`);
    const port = await freePort();
    let old = "";
    if (instant.change !== "deploy" && instant.change !== "failed deploy") {
      const setup = await deploy(lane.agent, id, "v1", port, instant.stopDelay ? { STOP_DELAY: String(instant.stopDelay) } : {});
      expect(setup.status, JSON.stringify(setup.body)).toBe(201);
      old = onSwarm ? setup.body.service_id : setup.body.container_id;
    }
    const held = lane.proxy.hold(instant.hold({ id, old }));
    const change =
      instant.change === "remove"
        ? lane.agent.call("DELETE", `/api/inference/${id}`)
        : deploy(lane.agent, id, instant.change === "deploy" ? "v1" : instant.change === "replace" ? "v2" : "broken", port);
    const answered = change.then(
      (answer) => `the change finished before the held call: ${answer.status} ${JSON.stringify(answer.body)}`,
      (err: unknown) => `the change failed before the held call: ${err}`,
    );
    const missed = await Promise.race([held.then(() => undefined), answered]);
    const killed = lane.agent.output();
    await lane.agent.kill();
    lane.proxy.release();
    if (missed)
      throw new Error(
        `${instant.name} (${lane.tag}): ${missed}\nengine calls: ${lane.proxy.calls
          .slice(-30)
          .map((c) => `${c.method} ${c.path}`)
          .join("\n")}`,
      );
    await change.catch(() => undefined);

    lane.agent = await spawnAgent(lane.env);
    const why = `${instant.name} (${lane.tag}, ${id})\nkilled agent:\n${killed}\nrestarted agent:\n${lane.agent.output()}`;
    // On swarm the engine rolls a failed update back on its own time; under load that may outlast the agent's wait.
    await expectSettled(lane, id, port, instant.after, why, onSwarm && instant.change === "failed replace" ? 120_000 : 0);

    // The next deploy works from there, and a removal leaves nothing.
    const next: Version = instant.after === "v1" ? "v2" : "v1";
    const redeployed = await deploy(lane.agent, id, next, port);
    expect(redeployed.status, `${why}\n${JSON.stringify(redeployed.body)}`).toBe(201);
    await expectSettled(lane, id, port, next, why);
    expect((await lane.agent.call("DELETE", `/api/inference/${id}`)).status, why).toBe(200);
    await expectSettled(lane, id, port, "gone", why);
  }

  for (const instant of INSTANTS) {
    test(`killed at "${instant.name}": afterwards ${outcome(instant)}`, async () => {
      await Promise.all(lanes.map((lane) => trial(lane, instant)));
    }, 120_000);
  }

  test("after every kill and recovery, each lane's network has no endpoint left: it can be removed", async () => {
    for (const lane of lanes) await testDocker.getNetwork(lane.network).remove();
  });

  // A task that cannot bind its port is the engine's to retry on swarm; the agent starts no container there.
  testOnDocker("failed starts on a taken host port leave no endpoint on the network", async () => {
    const network = await bed.scope.createNetwork("endpoints");
    const agent = await bed.startAgent({ INFERENCE_NETWORK: network, AGENT_NAME: `${bed.scope.prefix}-endpoints` });
    const taken = await freePort();
    const blocker = await listenOn(taken);
    try {
      // Nine first deploys and three replacements whose start fails on a port some process holds.
      for (let i = 0; i < 9; i++) {
        const refused = await agent.call("POST", "/api/inference/deploy", {
          inference_id: bed.scope.name(`endpoints-${i}`),
          docker_img_uri: refs.v1,
          inference_rest_api_port: 8080,
          inference_rest_api_forward_port: taken,
        });
        expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      }
      const id = bed.scope.name("endpoints-replaced");
      const port = await freePort();
      const body = {
        inference_id: id,
        docker_img_uri: refs.v1,
        inference_rest_api_port: 8080,
        inference_rest_api_forward_port: port,
      };
      expect((await agent.call("POST", "/api/inference/deploy", body)).status).toBe(201);
      await testDocker.getContainer(id).stop({ t: 1 });
      const holder = await listenOn(port);
      try {
        for (let i = 0; i < 3; i++) {
          const refused = await agent.call("POST", "/api/inference/deploy", { ...body, docker_img_uri: refs.v2 });
          expect(refused.status, JSON.stringify(refused.body)).toBe(409);
        }
      } finally {
        holder.close();
      }
      expect((await testDocker.getNetwork(network).inspect()).Containers ?? {}).toEqual({});
      expect((await agent.call("DELETE", `/api/inference/${id}`)).status).toBe(200);
      expect(await onEngine.snapshot(bed.scope.name("endpoints"))).toEqual([]);
      await testDocker.getNetwork(network).remove();
    } finally {
      blocker.close();
    }
  });
});

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
