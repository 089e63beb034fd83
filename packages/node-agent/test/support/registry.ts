// A throwaway Docker registry (Debian's docker-registry binary) on 127.0.0.1, optionally behind htpasswd,
// plus the Docker config file that carries its credentials the way the docker CLI reads them.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.js";

const REGISTRY_BINARY = process.env.CLARUS_REGISTRY_BINARY ?? "/usr/bin/docker-registry";
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 15_000;

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface TestRegistry {
  /** "127.0.0.1:PORT": the prefix of image references in this registry (dockerd treats 127.0.0.0/8 as insecure). */
  host: string;
  /** The credentials it demands, when started with htpasswd. */
  credentials?: RegistryCredentials;
  /** The file a blob is stored in (filesystem driver), for tests that damage what the registry serves. */
  blobFile(digest: string): string;
  /** Stops the process and deletes its storage. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test worker that dies must not leave registries listening behind it.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startRegistry(opts: { htpasswd?: RegistryCredentials } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "clarus-registry-"));
  try {
    if (opts.htpasswd) await writeHtpasswd(join(dir, "htpasswd"), opts.htpasswd);
    await mkdir(join(dir, "data"));
    let lastError: unknown;
    // The free port can be taken between probing and binding; a fresh port on a retry settles that.
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freePort();
      const configPath = join(dir, "config.yml");
      await writeFile(configPath, registryConfig(dir, port, Boolean(opts.htpasswd)));
      try {
        const child = await spawnReady(configPath, port);
        const host = `127.0.0.1:${port}`;
        const hex = (digest: string) => digest.replace(/^sha256:/, "");
        return {
          host,
          ...(opts.htpasswd ? { credentials: opts.htpasswd } : {}),
          blobFile: (digest) =>
            join(dir, "data", "docker", "registry", "v2", "blobs", "sha256", hex(digest).slice(0, 2), hex(digest), "data"),
          stop: () => stopRegistry(child, dir),
        };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function writeHtpasswd(path: string, { username, password }: RegistryCredentials): Promise<void> {
  // The registry accepts bcrypt entries only (-B).
  const { stdout } = await promisify(execFile)("htpasswd", ["-Bbn", username, password]);
  await writeFile(path, stdout);
}

// Format: https://distribution.github.io/distribution/about/configuration/ (distribution 2.8).
function registryConfig(dir: string, port: number, withAuth: boolean): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${JSON.stringify(join(dir, "data"))}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
  ];
  if (withAuth) {
    lines.push("auth:", "  htpasswd:", "    realm: clarus-test-registry", `    path: ${JSON.stringify(join(dir, "htpasswd"))}`);
  }
  return `${lines.join("\n")}\n`;
}

async function spawnReady(configPath: string, port: number): Promise<ChildProcess> {
  const child = spawn(REGISTRY_BINARY, ["serve", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  running.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once("error", (error) => reject(new Error(`cannot run ${REGISTRY_BINARY}: ${error.message}`)));
    child.once("exit", (code, signal) =>
      reject(new Error(`docker-registry exited (${signal ?? code}) before answering: ${stderr}`)),
    );
  });
  try {
    await Promise.race([waitForV2(port), exited]);
    return child;
  } catch (error) {
    child.kill("SIGKILL");
    running.delete(child);
    throw error;
  }
}

/** The registry is ready when GET /v2/ answers, 200 anonymously or 401 behind htpasswd. */
async function waitForV2(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`);
}

async function stopRegistry(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  running.delete(child);
  await rm(dir, { recursive: true, force: true });
}

export interface DockerConfigDir {
  /** The folder to pass as DOCKER_CONFIG. */
  dir: string;
  /** dir/config.json */
  path: string;
  remove(): Promise<void>;
}

/**
 * Writes a Docker CLI config folder whose config.json holds `auths` for the given registries
 * ({"auths":{"127.0.0.1:PORT":{"auth":"base64(user:pass)"}}}); no entries gives an anonymous config.
 */
export async function createDockerConfig(auths: Record<string, RegistryCredentials> = {}): Promise<DockerConfigDir> {
  const dir = await mkdtemp(join(tmpdir(), "clarus-docker-config-"));
  const path = join(dir, "config.json");
  const entries = Object.fromEntries(
    Object.entries(auths).map(([host, { username, password }]) => [
      host,
      { auth: Buffer.from(`${username}:${password}`).toString("base64") },
    ]),
  );
  await writeFile(path, `${JSON.stringify({ auths: entries }, null, 2)}\n`, { mode: 0o600 });
  return { dir, path, remove: () => rm(dir, { recursive: true, force: true }) };
}
