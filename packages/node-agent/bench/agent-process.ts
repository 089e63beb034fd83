// The node agent under test, run from its build (packages/node-agent/dist/main.js) as its own process.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/support/free-port.js";

const MAIN = fileURLToPath(new URL("../../../dist/main.js", import.meta.url));

export interface AgentProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts the agent with `env` added to this process's environment and waits until /api/ping answers. */
export async function startAgent(env: Record<string, string>): Promise<AgentProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the agent exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/api/ping`, { signal: AbortSignal.timeout(1000) })).ok) return { url, stop: () => stop(child) };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop(child);
  throw new Error(`the agent did not answer /api/ping within 20 s:\n${output}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
