import { z } from "zod";
import { defineRoute, type Route } from "./route.js";

/** `GET /api/ping` → `"OK"`: the liveness signal both services kept from the original system; needs no token. */
export function pingRoute(options: { summary: string; description: string; tag: string; upDescription: string }): Route {
  return defineRoute({
    method: "get",
    path: "/api/ping",
    operationId: "ping",
    summary: options.summary,
    description: options.description,
    tags: [options.tag],
    public: true,
    responses: { 200: { description: options.upDescription, schema: z.literal("OK") } },
    handler: () => ({ status: 200, body: "OK" }),
  });
}
