import { COMMON_PROBLEMS, defineRoute, HttpProblem, type ResponseSpec, type Route } from "@clarus/common";
import { z } from "zod";
import type { InferenceService } from "../inference/inference-service.js";
import { AGENT_PROBLEMS } from "../problem-types.js";
import {
  clusterRequest,
  deployBody,
  deploymentSchema,
  inferenceDetailsSchema,
  inferenceIdParams,
  inferenceSchema,
  logsQuery,
  removalSelector,
} from "./schemas.js";

const TAGS = ["inference_executor"];

/** What a deployment may answer besides success, whoever names the image (this route or the v3 one). */
export const DEPLOY_ERRORS = {
  403: {
    description: "The image's registry is not in ALLOWED_REGISTRIES, or GPUs are asked for and ALLOW_GPUS is off",
    problems: [AGENT_PROBLEMS["registry-not-allowed"], AGENT_PROBLEMS["gpus-not-allowed"]],
  },
  409: {
    description:
      "The host port is published by another inference or container (named in `held_by`) or held by another process " +
      "(the agent's own PORT too, named as such), or the name is taken by a container this agent did not create",
    problems: [AGENT_PROBLEMS["port-taken"], AGENT_PROBLEMS["name-conflict"]],
  },
  422: {
    description:
      "A field is invalid, the host port is below MIN_HOST_PORT (an operator setting, 1024 by default), or the registry " +
      "has no such image (its message quoted)",
    problems: [
      COMMON_PROBLEMS["validation-error"],
      AGENT_PROBLEMS["image-not-found"],
      AGENT_PROBLEMS["gpu-unavailable"],
      AGENT_PROBLEMS["no-suitable-node"],
    ],
  },
  502: {
    description:
      "The registry refused or failed (quoted), or the new container exited; a replaced version is restored. When its log " +
      "shows it ran into the least-privilege settings, `settings` names them (CONTAINER_READ_ONLY_ROOTFS, CONTAINER_CAP_ADD, " +
      "CONTAINER_USER) and the detail says how the operator widens them",
    problems: [
      AGENT_PROBLEMS["registry-auth-refused"],
      AGENT_PROBLEMS["registry-error"],
      AGENT_PROBLEMS["inference-exited"],
      AGENT_PROBLEMS["inference-not-started"],
      AGENT_PROBLEMS["engine-error"],
    ],
  },
  503: {
    description: "The Docker engine is unreachable, or the inference network is missing",
    problems: [
      AGENT_PROBLEMS["engine-unavailable"],
      AGENT_PROBLEMS["network-missing"],
      AGENT_PROBLEMS["swarm-unavailable"],
      AGENT_PROBLEMS["agent-misconfigured"],
    ],
  },
  504: {
    description: "The container's port did not accept connections within READINESS_TIMEOUT_SECONDS",
    problems: [AGENT_PROBLEMS["inference-not-ready"], AGENT_PROBLEMS["registry-timeout"]],
  },
} satisfies Record<number, ResponseSpec>;

const NOT_FOUND = {
  description: "No inference of this agent has that exact name (the same answer for a foreign container)",
  problems: [AGENT_PROBLEMS["inference-not-found"]],
};

const removedSchema = z.object({
  inference_id: z.string().meta({ example: "inference01" }),
  removed: z.literal(true),
  container_id: z.string().meta({ description: "The removed container's id" }),
  docker_img_uri: z.string().meta({ description: "The image it ran (the image itself is kept)" }),
});

/**
 * The removal routes old callers use. `status` is what success answers: the original OpenAPI documents 201 on the
 * v3 path (the only status it states for a removal), so that path keeps it; docs/node-agent.md ("Removal status") explains the choice.
 */
const removal = (service: InferenceService, path: string, { deprecated, status }: { deprecated: boolean; status: 200 | 201 }) =>
  defineRoute({
    method: "delete",
    path,
    operationId: deprecated ? "removeInferenceV3Path" : "removeInference",
    summary: "Stop and remove an inference's container",
    description:
      "The inference is named by `inference_id` or `exp_id` (the original agent's name for it), in the query or in a JSON body. " +
      "It is found by its exact container name, never by an id prefix; containers this agent did not create are never " +
      "touched and answer the same 404 as an absent id. Anonymous volumes of the container are removed with it.",
    tags: TAGS,
    deprecated,
    query: removalSelector,
    body: removalSelector,
    bodyRequired: false,
    responses: {
      [status]: { description: "Stopped and removed", schema: removedSchema },
      404: NOT_FOUND,
    },
    handler: async ({ query, body }) => {
      const inferenceId = query.inference_id ?? query.exp_id ?? body.inference_id ?? body.exp_id;
      if (!inferenceId) {
        throw new HttpProblem(
          COMMON_PROBLEMS["validation-error"],
          "Say which inference to remove: ?inference_id=… (or exp_id=…), in the query or a JSON body.",
          {
            status: 400,
            errors: [{ location: "query", field: "inference_id", message: "required" }],
          },
        );
      }
      return { status, body: await service.remove(inferenceId) };
    },
  });

export function inferenceRoutes(service: InferenceService): Route[] {
  const serialised = new WeakMap<object, string>();
  return [
    defineRoute({
      method: "post",
      path: "/api/inference/deploy",
      operationId: "deployInference",
      summary: "Pull an inference image and run it (replaces a running version safely)",
      description:
        "Pulls the image every time (a moved tag is picked up) with the credentials of the Docker config file, runs it on the " +
        "inference network with the host port published on PORT_BIND_HOST, and waits until the internal port accepts " +
        "connections. If the id already runs, the new version replaces it only once it is ready; otherwise the old one is " +
        "restored. The container gets least privilege, set by the operator and never by the request: no capabilities but " +
        "CONTAINER_CAP_ADD, a read-only root filesystem with a tmpfs /tmp, memory and CPU limits, no-new-privileges, " +
        "optionally CONTAINER_USER. Ports may be strings or integers, as the original agent accepted; the host port must " +
        "be at least MIN_HOST_PORT.",
      tags: TAGS,
      body: deployBody,
      responses: { 201: { description: "Running and accepting connections", schema: deploymentSchema }, ...DEPLOY_ERRORS },
      handler: async ({ body }) => ({
        status: 201,
        body: await service.deploy({
          inferenceId: body.inference_id,
          image: body.docker_img_uri,
          internalPort: body.inference_rest_api_port,
          hostPort: body.inference_rest_api_forward_port,
          env: body.env,
          ...clusterRequest(body),
        }),
      }),
    }),
    removal(service, "/api/inference/deploy", { deprecated: false, status: 200 }),
    removal(service, "/api/v3/inference/deploy", { deprecated: true, status: 201 }),
    defineRoute({
      method: "get",
      path: "/api/inference/all",
      operationId: "listInferences",
      summary: "Every inference this agent manages (found by label, stopped ones included)",
      description:
        "Containers labelled `clarus.managed-by=AGENT_NAME`, from one engine call, served from memory until the engine " +
        "reports a change to one of them. Other containers on the host are never listed.",
      tags: TAGS,
      responses: { 200: { description: "The inferences, by inference_id", schema: z.array(inferenceSchema) } },
      handler: async ({ res }) => {
        // While the list is unchanged the same array comes back: serialise it once, not once per client.
        const views = await service.list();
        let json = serialised.get(views);
        if (json === undefined) {
          json = JSON.stringify(views);
          serialised.set(views, json);
        }
        res.status(200).type("application/json").send(json);
        return { status: 200 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/inference/{id}",
      operationId: "inspectInference",
      summary: "One inference: state, exit code, restarts, health",
      description: "The listing's fields plus the container's state, to see why an inference stopped or restarts.",
      tags: TAGS,
      params: inferenceIdParams,
      responses: {
        200: { description: "The inference", schema: inferenceDetailsSchema },
        404: NOT_FOUND,
      },
      handler: async ({ params }) => ({ status: 200, body: await service.inspect(params.id) }),
    }),
    defineRoute({
      method: "delete",
      path: "/api/inference/{id}",
      operationId: "removeInferenceById",
      summary: "Stop and remove an inference's container (the id in the path)",
      description:
        "Stops the container (SIGTERM, then SIGKILL after STOP_TIMEOUT_SECONDS) and removes it; the same as " +
        "DELETE /api/inference/deploy?inference_id=….",
      tags: TAGS,
      params: inferenceIdParams,
      responses: {
        200: { description: "Stopped and removed", schema: removedSchema },
        404: NOT_FOUND,
      },
      handler: async ({ params }) => ({ status: 200, body: await service.remove(params.id) }),
    }),
    defineRoute({
      method: "get",
      path: "/api/inference/{id}/logs",
      operationId: "inferenceLogs",
      summary: "The last lines of an inference's stdout and stderr",
      description: "Read from the engine's json-file log of the container (capped by CONTAINER_LOG_MAX_SIZE / _FILES).",
      tags: TAGS,
      params: inferenceIdParams,
      query: logsQuery,
      responses: {
        200: {
          description: "Log lines, oldest first",
          schema: z.object({
            inference_id: z.string().meta({ example: "inference01" }),
            lines: z.array(z.string()).meta({ description: "Log lines without their stream header, oldest first" }),
          }),
        },
        404: NOT_FOUND,
      },
      handler: async ({ params, query }) => ({
        status: 200,
        body: { inference_id: params.id, lines: await service.logs(params.id, query.tail) },
      }),
    }),
  ];
}
