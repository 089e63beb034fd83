import { createHttpApp, createLogger, defineRoute, envVar, exitOnSignal, listen, loadConfig } from "@clarus/common";
import { z } from "zod";

const config = loadConfig(z.object({ PORT: envVar.port(8081), LOG_LEVEL: envVar.logLevel() }));
const logger = createLogger({ name: "node-agent", level: config.LOG_LEVEL });
const ping = defineRoute({
  method: "get",
  path: "/api/ping",
  operationId: "ping",
  summary: "Liveness signal",
  public: true,
  responses: { 200: { description: "The agent is up", schema: z.literal("OK") } },
  handler: () => ({ status: 200, body: "OK" }),
});
const { app } = createHttpApp({
  info: { title: "clarus node agent", version: "0.1.0", description: "Runs inference containers." },
  logger,
  routes: [ping],
});
const server = await listen(app, { port: config.PORT });
logger.info({ port: server.port }, "node agent listening");
exitOnSignal(logger, server.close);
