import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "../../../node-agent/test/support/free-port.js";
import { PACKAGE_DIR } from "./build-package.js";

/** The built service (dist/main.js) as an operator runs it, in its own process, so a test can kill -9 it. */
export interface DriftProcess {
  url: string;
  pid: number;
  /** Log lines (pino JSON) so far, for a failing test to show. */
  log: string[];
  /** kill -9, resolved once the process is gone. */
  kill(): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  call(method: "GET" | "POST", path: string): Promise<{ status: number; body: any }>;
}

/** Starts the service with exactly `env` (plus PATH and a free PORT); resolves once it listens. */
export async function startDriftProcess(env: Record<string, string>): Promise<DriftProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(PACKAGE_DIR, "dist", "main.js")], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => log.push(line));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      log.push(line);
      if (line.includes('"msg":"drift detector listening"')) resolve();
    });
    exited.then(() => reject(new Error(`the service exited before listening:\n${log.join("\n")}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid ?? 0,
    log,
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    call: async (method, path) => {
      const response = await fetch(`${url}${path}`, { method });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: response.status, body };
    },
  };
}
