import { defineRoute, pingRoute, type Route } from "@clarus/common";
import { z } from "zod";
import type { InferenceService } from "../inference/inference-service.js";
import { AGENT_PROBLEMS } from "../problem-types.js";

export function systemRoutes(service: InferenceService): Route[] {
  return [
    pingRoute({
      summary: "Liveness signal (as the original agent)",
      description: 'Answers `"OK"` while the process serves HTTP, whatever the engine does (see /api/health). Needs no token.',
      tag: "ping",
      upDescription: "The agent is up",
    }),
    defineRoute({
      method: "get",
      path: "/api/health",
      operationId: "health",
      summary: "Docker engine reachable, its version, inference network present",
      description:
        "Asks the engine (DOCKER_HOST) for its version and looks for INFERENCE_NETWORK. Needs no token; the compose " +
        "health check calls it.",
      tags: ["ping"],
      public: true,
      responses: {
        200: {
          description: "The engine answers; `status` is degraded when the network is missing and may not be created",
          schema: z.object({
            status: z.enum(["ok", "degraded"]).meta({ description: "degraded: deployments would answer 503 (no network)" }),
            engine: z.object({
              reachable: z.literal(true),
              version: z.string().meta({ description: "Docker Engine version", example: "20.10.24" }),
              api_version: z.string().meta({ description: "Engine API version", example: "1.41" }),
            }),
            network: z.object({
              name: z.string().meta({ description: "INFERENCE_NETWORK", example: "clarus_inference_network" }),
              present: z.boolean(),
              created_on_demand: z.boolean().meta({ description: "CREATE_NETWORK: created when a deployment needs it" }),
            }),
          }),
        },
        503: {
          description: "The engine is unreachable; `detail` says why",
          problems: [AGENT_PROBLEMS["engine-unavailable"]],
        },
      },
      handler: async () => ({ status: 200, body: await service.health() }),
    }),
  ];
}
