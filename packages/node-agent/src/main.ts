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
  const recovered = await agent.service.recover();
  if (recovered.length > 0) logger.warn({ recovered }, "finished replacements interrupted by the last stop");
} catch (err) {
  // The agent starts without an engine (health answers 503); an interrupted replacement is finished on the next start.
  logger.warn({ err }, "could not check for interrupted replacements");
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
