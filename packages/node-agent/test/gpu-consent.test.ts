// GPUs by operator consent, on the backend the vitest project runs (RUNTIME). This machine has no GPU and no NVIDIA runtime: the tests check the
// clean refusal without ALLOW_GPUS, the request that reaches the engine (recorded by a proxy in front of its socket),
// and that the engine's refusal is quoted with nothing left behind. Also: the docker backend refuses the swarm-only
// fields naming them.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AgentTestBed, openAgentTestBed } from "./helpers/agent-test-bed.js";
import { engineSnapshot } from "./helpers/agent-under-test.js";
import { describeWithDocker, freePort, testDocker } from "./support/docker-env.js";
import { type DockerSocketProxy, startDockerSocketProxy } from "./support/docker-socket-proxy.js";
import { TEST_RUNTIME } from "./support/swarm.js";

describeWithDocker("node agent: GPUs by operator consent", () => {
  let recorder: DockerSocketProxy;

  beforeAll(async () => {
    recorder = await startDockerSocketProxy(join(tmpdir(), `clarus-t-gpu-${process.pid}.sock`));
  });

  afterAll(async () => {
    await recorder?.close();
  });

  const body = (bed: AgentTestBed, image: string, port: number, extra: Record<string, unknown>) => ({
    inference_id: bed.scope.name("gpu"),
    docker_img_uri: image,
    inference_rest_api_port: 8080,
    inference_rest_api_forward_port: port,
    ...extra,
  });

  if (TEST_RUNTIME === "docker")
    describe("RUNTIME=docker", () => {
      let bed: AgentTestBed;
      let image: string;

      beforeAll(async () => {
        bed = await openAgentTestBed("gpu-docker", { runtime: "docker" });
        image = (await bed.publishImage("model", "v1", "http")).ref;
      });

      afterAll(async () => {
        await bed?.close();
      });

      test("without ALLOW_GPUS: 403 naming the variable; swarm-only fields: 422 naming the field; nothing created", async () => {
        const agent = await bed.startAgent();
        const port = await freePort();
        const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
          [{ gpus: 1 }, 403, "gpus", /ALLOW_GPUS=true/],
          [{ gpus: "all" }, 403, "gpus", /ALLOW_GPUS=true/],
          [{ replicas: 2 }, 422, "replicas", /needs RUNTIME=swarm/],
          [{ placement: ["node.labels.gpu==true"] }, 422, "placement", /needs RUNTIME=swarm/],
          [{ update: { order: "start-first" } }, 422, "update", /needs RUNTIME=swarm/],
          [{ gpus: 0 }, 422, "gpus", /must be at least 1 GPU/],
          [{ gpus: "some" }, 422, "gpus", /must be "all", a count/],
          [{ gpus: ["bad id!"] }, 422, "gpus.0", /GPU index or UUID/],
          [{ placement: ["rm -rf /"] }, 422, "placement.0", /attribute==value/],
          [{ update: { order: "sideways" } }, 422, "update.order", /start-first/],
          [{ update: { rollback: true } }, 422, "update", /rollback/],
          [{ replicas: 1.5 }, 422, "replicas", /whole number/],
        ];
        for (const [extra, status, field, detail] of cases) {
          const res = await agent.call("POST", "/api/inference/deploy", body(bed, image, port, extra));
          const summary = `${JSON.stringify(extra)}: ${res.status} ${JSON.stringify(res.body)}`;
          expect(res.status, summary).toBe(status);
          expect(res.body.detail, summary).toMatch(detail);
          expect(
            res.body.errors.map((e: { field: string }) => e.field),
            summary,
          ).toContain(field);
        }
        expect(await engineSnapshot(bed.scope.prefix)).toEqual([]);
      });

      test("with ALLOW_GPUS=true: the engine gets the NVIDIA device request and refuses it; 422 quoting it, nothing left", async () => {
        const agent = await bed.startAgent({ ALLOW_GPUS: "true", DOCKER_HOST: recorder.dockerHost });
        for (const [gpus, request] of [
          ["all", { Count: -1 }],
          [2, { Count: 2 }],
          [["0", "GPU-3a23c669-1f69-c64e-cf85-44e9b07e7a2a"], { DeviceIDs: ["0", "GPU-3a23c669-1f69-c64e-cf85-44e9b07e7a2a"] }],
        ] as const) {
          recorder.calls.length = 0;
          const res = await agent.call("POST", "/api/inference/deploy", body(bed, image, await freePort(), { gpus }));
          expect(res.status, JSON.stringify(res.body)).toBe(422);
          expect(res.body).toMatchObject({ type: "urn:clarus:problem:gpu-unavailable", upstream: { service: "engine" } });
          expect(res.body.detail).toContain('could not select device driver "nvidia"');
          const created = recorder.calls.find((call) => call.path.startsWith("/containers/create?"))?.body as {
            HostConfig: { DeviceRequests: unknown[] };
          };
          expect(created.HostConfig.DeviceRequests).toEqual([{ Driver: "nvidia", Capabilities: [["gpu"]], ...request }]);
          expect(await engineSnapshot(bed.scope.prefix)).toEqual([]);
        }
        // The image the refused deployment pulled is not left on the disk either.
        await expect(testDocker.getImage(image).inspect()).rejects.toMatchObject({ statusCode: 404 });
      });
    });

  if (TEST_RUNTIME === "swarm")
    describe("RUNTIME=swarm", () => {
      let bed: AgentTestBed;
      let image: string;
      const services = async () =>
        (await testDocker.listServices({ filters: { name: [bed.scope.prefix] } })).map((s) => s.Spec?.Name);

      beforeAll(async () => {
        bed = await openAgentTestBed("gpu-swarm", { runtime: "swarm" });
        image = (await bed.publishImage("model", "v1", "http")).ref;
      });

      afterAll(async () => {
        await bed?.close();
      });

      test("the service reserves the GPUs as generic resources; no node has them: 422 quoting the engine, nothing left", async () => {
        const refused = await (await bed.startAgent()).call(
          "POST",
          "/api/inference/deploy",
          body(bed, image, await freePort(), { gpus: 1 }),
        );
        expect(refused.status).toBe(403);
        expect(refused.body.detail).toContain("ALLOW_GPUS=true");

        const agent = await bed.startAgent({ ALLOW_GPUS: "true", DOCKER_HOST: recorder.dockerHost });
        const all = await agent.call("POST", "/api/inference/deploy", body(bed, image, await freePort(), { gpus: "all" }));
        expect(all.status).toBe(422);
        expect(all.body.errors).toEqual([expect.objectContaining({ field: "gpus" })]);

        for (const [gpus, reservation] of [
          [2, [{ DiscreteResourceSpec: { Kind: "NVIDIA-GPU", Value: 2 } }]],
          [["GPU-1", "GPU-2"], ["GPU-1", "GPU-2"].map((id) => ({ NamedResourceSpec: { Kind: "NVIDIA-GPU", Value: id } }))],
        ] as const) {
          recorder.calls.length = 0;
          const res = await agent.call("POST", "/api/inference/deploy", body(bed, image, await freePort(), { gpus }));
          expect(res.status, JSON.stringify(res.body)).toBe(422);
          expect(res.body).toMatchObject({ type: "urn:clarus:problem:gpu-unavailable", errors: [{ field: "gpus" }] });
          expect(res.body.detail).toContain("no suitable node (insufficient resources on 1 node)");
          const created = recorder.calls.find((call) => call.path === "/services/create")?.body as {
            TaskTemplate: { Resources: { Reservations: { GenericResources: unknown[] } } };
          };
          expect(created.TaskTemplate.Resources.Reservations.GenericResources).toEqual(reservation);
          expect(await services()).toEqual([]);
        }
      });
    });
});
