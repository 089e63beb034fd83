// The built node agent as its own process (`node dist/main.js`, as `pnpm start` runs it), for tests that need a real
// process to kill: spawned with an environment of the test's choosing, ready once it logs that it listens.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { callAgent, type Json } from "./agent-under-test.js";

const packageDir = resolve(import.meta.dirname, "../..");

/** Brings dist/ up to date (tsc -b: a no-op after `pnpm build`), so a spawned agent never runs stale code. */
export function buildAgent(): void {
  const tsc = resolve(packageDir, "../../node_modules/typescript/bin/tsc");
  const build = spawnSync(process.execPath, [tsc, "-b", packageDir], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`tsc -b ${packageDir} failed:\n${build.stdout}${build.stderr}`);
}

/** The agent's entry point, for tests that run it to completion themselves. */
export const agentMain = resolve(packageDir, "dist", "main.js");

export interface AgentProcess {
  url: string;
  /** Everything it wrote (JSON log lines), for assertions and failure messages. */
  output(): string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** SIGKILL, as a crash or an OOM kill would end it; resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * Spawns the agent with `env` (plus PATH) and resolves once it listens on env.PORT, i.e. after its start-up
 * recovery; rejects with its output if it exits first or does not listen within `timeoutMs`.
 */
export async function spawnAgent(env: Record<string, string>, timeoutMs = 60_000): Promise<AgentProcess> {
  const child: ChildProcess = spawn(process.execPath, [agentMain], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the agent did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"node agent listening"')) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`the agent exited before it listened:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  const headers: Record<string, string> = env.AGENT_API_TOKEN ? { authorization: `Bearer ${env.AGENT_API_TOKEN}` } : {};
  return {
    url,
    output: () => output,
    call: (method, path, body) => callAgent(url, method, path, body, headers),
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
