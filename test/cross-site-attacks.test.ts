// The attacks of a web page the operator opens, against both services on their default configuration (loopback, no
// token): a real headless Chromium loads the attacker's page from another loopback origin and fires what a page can
// (fetch no-cors with text/plain, form posts, an <img> to the legacy GET); curl-like callers forge Origin and a
// rebound Host. Every request must reach the service and be refused, and nothing may change: no container, no run,
// no reference swap. The services' own pages (Swagger UI, same-origin) keep working, which also proves that the same
// requests would have had their effect.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest as send } from "../packages/common/test/raw-request.js";
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from "../packages/drift-detector/scripts/headless-chromium.mjs";
import { DRIFTED_CSV, REFERENCE_CSV } from "../packages/drift-detector/test/support/datasets.js";
import { PATHS, type ServiceUnderTest, startDriftService } from "../packages/drift-detector/test/support/drift-service.js";
import { type AgentTestBed, openAgentTestBed } from "../packages/node-agent/test/helpers/agent-test-bed.js";
import { type AgentUnderTest, engineSnapshot } from "../packages/node-agent/test/helpers/agent-under-test.js";
import { describeWithDocker, freePort } from "../packages/node-agent/test/support/docker-env.js";

interface Served {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** Every request a service answers, as it saw it. */
function watch(server: Server): Served[] {
  const served: Served[] = [];
  server.on("request", (req, res) => {
    res.on("finish", () =>
      served.push({ method: req.method ?? "", path: req.url ?? "", status: res.statusCode, headers: { ...req.headers } }),
    );
  });
  return served;
}

/** Serves one HTML page on `host` (another loopback address or port: another site or origin than the services). */
async function servePage(host: string, html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const port = await freePort();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    url: `http://${host}:${port}/attack.html`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const chromium = chromiumAvailable();
const noChromium = `no Chromium executable at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or install Debian's chromium)`;

describeWithDocker("cross-site attacks on both services (default configuration: loopback, no token)", () => {
  let bed: AgentTestBed;
  let agent: AgentUnderTest;
  let drift: ServiceUnderTest;
  let agentServed: Served[];
  let driftServed: Served[];
  let image: string;
  let inferenceId: string;
  let hostPort: number;

  beforeAll(async () => {
    bed = await openAgentTestBed("xsite");
    inferenceId = bed.scope.name("victim");
    [image, agent, drift, hostPort] = await Promise.all([
      bed.publishImage("model", "v1", "http").then((built) => built.ref),
      bed.startAgent({ READINESS_TIMEOUT_SECONDS: "8" }),
      startDriftService({ airflow: 3, ids: true }),
      freePort(),
    ]);
    await drift.seed(REFERENCE_CSV, DRIFTED_CSV);
    agentServed = watch(agent.server.server);
    driftServed = watch(drift.server.server);
  });

  afterAll(async () => {
    await drift?.close();
    await bed?.close();
  });

  const deployBody = () => ({
    inference_id: inferenceId,
    docker_img_uri: image,
    inference_rest_api_port: 8080,
    inference_rest_api_forward_port: hostPort,
  });

  /** Nothing an attack could have done: no container of this scope, no drift run, reference as seeded, no DAG run. */
  async function expectNothingChanged() {
    expect(await engineSnapshot(bed.scope.prefix)).toEqual([]);
    expect(drift.detections()).toBe(0);
    expect(await drift.read(PATHS.reference)).toBe(REFERENCE_CSV);
    expect(await drift.keys(PATHS.reports)).toEqual([]);
    expect(drift.airflow?.runs.size).toBe(0);
    expect(drift.ids?.assets).toEqual([]);
  }

  describe("curl-like callers", () => {
    const evil = { origin: "http://evil.example" };

    it("an Origin of another site is refused on every state change (403 naming the header)", async () => {
      const json = { "content-type": "application/json", ...evil };
      const answers = await Promise.all([
        send(agent.url, "POST", "/api/inference/deploy", json, JSON.stringify(deployBody())),
        send(agent.url, "POST", "/api/v3/inference/deploy", json, JSON.stringify({ ...deployBody(), exp_id: "x" })),
        send(agent.url, "DELETE", `/api/inference/${inferenceId}`, evil),
        send(agent.url, "DELETE", `/api/inference/deploy?inference_id=${inferenceId}`, evil),
        send(drift.url, "POST", "/api/drift/runs", evil),
        send(drift.url, "GET", "/api/detect_data_drift", evil),
      ]);
      for (const answer of answers) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(403);
        expect(answer.body).toMatchObject({
          type: "urn:clarus:problem:cross-site-request",
          errors: [{ location: "header", field: "origin" }],
        });
      }
      await expectNothingChanged();
    });

    it("a rebound Host (DNS rebinding) is refused on every route, reads included", async () => {
      const rebound = (url: string) => ({ host: `rebind.attacker.example:${new URL(url).port}` });
      const answers = await Promise.all([
        send(
          agent.url,
          "POST",
          "/api/inference/deploy",
          { ...rebound(agent.url), "content-type": "application/json" },
          JSON.stringify(deployBody()),
        ),
        send(agent.url, "GET", "/api/inference/all", rebound(agent.url)),
        send(drift.url, "GET", "/api/detect_data_drift", rebound(drift.url)),
        send(drift.url, "GET", "/api/drift/runs", rebound(drift.url)),
      ]);
      for (const answer of answers) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(403);
        expect(answer.body.type).toBe("urn:clarus:problem:host-not-allowed");
      }
      await expectNothingChanged();
    });

    it("a text/plain or form body is refused with 415 naming Content-Type", async () => {
      const body = JSON.stringify(deployBody());
      for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
        const answer = await send(agent.url, "POST", "/api/inference/deploy", { "content-type": type }, body);
        expect(answer.status, JSON.stringify(answer.body)).toBe(415);
        expect(answer.body.errors).toEqual([{ location: "header", field: "content-type", message: "must be application/json" }]);
      }
      expect((await send(drift.url, "POST", "/api/drift/runs", { "content-type": "text/plain" }, "{}")).status).toBe(415);
      await expectNothingChanged();
    });
  });

  describe.runIf(chromium)("a page of another origin in headless Chromium", () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    const pages: Array<{ close: () => Promise<void> }> = [];

    beforeAll(async () => {
      browser = await launchChromium({ loopbackHosts: ["127.0.0.1", "127.0.0.2"] });
    });
    afterAll(async () => {
      await Promise.all(pages.map((page) => page.close()));
      await browser?.close();
    });

    /** The attacker's page: forms in its markup, the rest fired by script once it is loaded. */
    function attackerPage(): string {
      const deploy = JSON.stringify(deployBody());
      // The classic JSON CSRF: a text/plain form whose one field spells a JSON object.
      const formJson = `${deploy.slice(0, -1)},"pad":"`;
      const attribute = (text: string) => text.replace(/&/g, "&amp;").replace(/'/g, "&#39;");
      return `<!doctype html><html><body>
<iframe name="sink1"></iframe><iframe name="sink2"></iframe><iframe name="sink3"></iframe>
<form id="deploy-form" method="post" enctype="text/plain" target="sink1" action="${agent.url}/api/inference/deploy">
  <input name='${attribute(formJson)}' value='"}'></form>
<form id="run-form" method="post" target="sink2" action="${drift.url}/api/drift/runs"><input name="x" value="1"></form>
<form id="legacy-form" method="get" target="sink3" action="${drift.url}/api/detect_data_drift"></form>
</body></html>`;
    }

    const attackScript = () => `(async () => {
      const agent = ${JSON.stringify(agent.url)}, drift = ${JSON.stringify(drift.url)};
      const body = ${JSON.stringify(JSON.stringify(deployBody()))};
      const settle = (promise) => promise.then(() => "sent", (error) => String(error));
      const fired = [];
      fired.push(await settle(fetch(agent + "/api/inference/deploy", {
        method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body })));
      fired.push(await settle(fetch(drift + "/api/drift/runs", { method: "POST", mode: "no-cors" })));
      fired.push(await settle(fetch(drift + "/api/detect_data_drift", { mode: "no-cors" })));
      fired.push(await new Promise((resolve) => {
        const img = new Image();
        img.onload = () => resolve("image loaded");
        img.onerror = () => resolve("image refused");
        img.src = drift + "/api/detect_data_drift?img=1";
        document.body.append(img);
      }));
      for (const [form, sink] of [["deploy-form", "sink1"], ["run-form", "sink2"], ["legacy-form", "sink3"]]) {
        fired.push(await new Promise((resolve) => {
          const frame = document.querySelector("iframe[name=" + sink + "]");
          frame.addEventListener("load", () => resolve(form + " submitted"), { once: true });
          document.getElementById(form).submit();
        }));
      }
      return fired;
    })()`;

    it.each([
      ["another site (127.0.0.2: Sec-Fetch-Site cross-site)", "127.0.0.2", "cross-site"],
      ["another port of the same host (Sec-Fetch-Site same-site)", "127.0.0.1", "same-site"],
    ])("from %s: every request reaches the services, is refused, and nothing changes", async (_case, host, site) => {
      const page = await servePage(host, attackerPage());
      pages.push(page);
      const agentBefore = agentServed.length;
      const driftBefore = driftServed.length;
      const tab = await browser.openPage(page.url);
      const fired = await tab.evaluate(attackScript());
      // The page never sees an answer: the services' Cross-Origin-Resource-Policy makes the browser drop it.
      expect(fired).toEqual([
        "TypeError: Failed to fetch",
        "TypeError: Failed to fetch",
        "TypeError: Failed to fetch",
        "image refused",
        "deploy-form submitted",
        "run-form submitted",
        "legacy-form submitted",
      ]);
      const agentSaw = agentServed.slice(agentBefore);
      const driftSaw = driftServed.slice(driftBefore);
      // The browser really sent them, marked as another site's, and each was refused before any effect.
      expect(agentSaw.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        "POST /api/inference/deploy 403",
        "POST /api/inference/deploy 403",
      ]);
      expect(driftSaw.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        "POST /api/drift/runs 403",
        "GET /api/detect_data_drift 403",
        "GET /api/detect_data_drift?img=1 403",
        "POST /api/drift/runs 403",
        "GET /api/detect_data_drift? 403",
      ]);
      for (const request of [...agentSaw, ...driftSaw]) expect(request.headers["sec-fetch-site"]).toBe(site);
      expect(driftSaw.find((r) => r.path.includes("img=1"))?.headers["sec-fetch-dest"]).toBe("image");
      await expectNothingChanged();
    });

    it("the services' own Swagger UI pages still change state (same-origin), so the attacks above had something to change", async () => {
      const agentSwagger = await browser.openPage(`${agent.url}/swagger/`);
      const deployed = await agentSwagger.evaluate(`fetch("/api/inference/deploy", { method: "POST",
        headers: { "Content-Type": "application/json", accept: "application/json" },
        body: ${JSON.stringify(JSON.stringify(deployBody()))} }).then((r) => r.status)`);
      expect(deployed).toBe(201);
      expect(await engineSnapshot(bed.scope.prefix)).toHaveLength(1);
      const removed = await agentSwagger.evaluate(
        `fetch("/api/inference/${inferenceId}", { method: "DELETE" }).then((r) => r.status)`,
      );
      expect(removed).toBe(200);

      const driftSwagger = await browser.openPage(`${drift.url}/swagger/`);
      const ran = (await driftSwagger.evaluate(
        `fetch("/api/drift/runs", { method: "POST" }).then(async (r) => [r.status, (await r.json()).run_id])`,
      )) as [number, string];
      expect(ran[0]).toBe(201);
      expect(await drift.read(PATHS.reference)).toBe(DRIFTED_CSV);

      // The report as the service serves it, under its own CSP header (sandboxed, no framing): it loads nothing
      // else, logs no CSP error, and its filter script still runs.
      const reportUrl = `${drift.url}/api/drift/runs/${ran[1]}/report`;
      const report = await browser.openPage(reportUrl);
      expect(report.requests).toEqual([reportUrl]);
      expect(report.errors).toEqual([]);
      expect(await report.evaluate(`!document.getElementById("filter").hidden`)).toBe(true);
      const sameOrigin = [...agentServed, ...driftServed].filter((r) => r.headers["sec-fetch-site"] === "same-origin");
      expect(sameOrigin.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`)).toEqual(
        expect.arrayContaining([
          "POST /api/inference/deploy 201",
          `DELETE /api/inference/${inferenceId} 200`,
          "POST /api/drift/runs 201",
        ]),
      );
    });
  });

  if (!chromium && process.env.CLARUS_REQUIRE_CHROMIUM === "1") {
    it("Chromium is available", () => {
      throw new Error(`CLARUS_REQUIRE_CHROMIUM=1 but ${noChromium}`);
    });
  } else if (!chromium) {
    it.skip(`the headless Chromium attacks need Chromium: ${noChromium}`, () => {});
  }
});
