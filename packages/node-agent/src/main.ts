import { ConfigError, createLogger, exitOnSignal, exposureWarning, listen } from "@clarus/common";
import { createNodeAgent } from "./app.js";
import { type NodeAgentConfig, readNodeAgentConfig } from "./config.js";

let config: NodeAgentConfig;
try {
  config = readNodeAgentConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`node-agent cannot start. ${err.message}\n`);
  process.exit(1);
}

const logger = createLogger({ name: "node-agent", level: config.LOG_LEVEL });
const unprotected = exposureWarning(config.access);
if (unprotected) logger.warn(unprotected);
const agent = createNodeAgent(config, logger);

try {
  const finished = await agent.service.recover();
  if (finished.length > 0) logger.warn({ finished }, "finished the changes the last stop interrupted");
} catch (err) {
  // The agent starts without an engine (health answers 503); an interrupted change is finished before the next change to it.
  logger.warn({ err }, "could not check for interrupted changes");
}

const server = await listen(agent.app, { port: config.PORT, host: config.LISTEN_HOST });
logger.info(
  { host: config.LISTEN_HOST, port: server.port, network: config.INFERENCE_NETWORK, dockerHost: config.DOCKER_HOST },
  "node agent listening",
);
exitOnSignal(logger, async () => {
  agent.service.stop();
  await server.close();
});
