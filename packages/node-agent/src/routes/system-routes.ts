import { defineRoute, type Route } from "@clarus/common";
import { z } from "zod";
import type { InferenceService } from "../inference/inference-service.js";

export function systemRoutes(service: InferenceService): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/ping",
      operationId: "ping",
      summary: "Liveness signal (as the original agent)",
      tags: ["ping"],
      public: true,
      responses: { 200: { description: "The agent is up", schema: z.literal("OK") } },
      handler: () => ({ status: 200, body: "OK" }),
    }),
    defineRoute({
      method: "get",
      path: "/api/health",
      operationId: "health",
      summary: "Docker engine reachable, its version, inference network present",
      tags: ["ping"],
      public: true,
      responses: {
        200: {
          description: "The engine answers; `status` is degraded when the network is missing and may not be created",
          schema: z.object({
            status: z.enum(["ok", "degraded"]),
            engine: z.object({ reachable: z.literal(true), version: z.string(), api_version: z.string() }),
            network: z.object({ name: z.string(), present: z.boolean(), created_on_demand: z.boolean() }),
          }),
        },
        503: { description: "The engine is unreachable; `detail` says why" },
      },
      handler: async () => ({ status: 200, body: await service.health() }),
    }),
  ];
}
