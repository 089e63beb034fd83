import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { canonicalRegistry } from "../inference/image-reference.js";
import { askCredentialHelper, CredentialHelperError } from "./credential-helper.js";
import { RuntimeError } from "./runtime-error.js";

/** Credentials in the shape the Docker Engine API takes in `X-Registry-Auth`. */
export type RegistryCredentials =
  | { username: string; password: string; serveraddress: string }
  | { identitytoken: string; serveraddress: string };

/**
 * The Docker config file exists but cannot be used; pulling with a wrong guess would hide that. The message goes to
 * callers: it names the file by its variable, never by its path on the host, and never quotes the file's content
 * (credentials live there).
 */
export class DockerConfigError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`The agent's Docker config file (config.json in DOCKER_CONFIG) ${reason}`);
    this.name = "DockerConfigError";
  }
}

/** Where a JSON text stops parsing, as "line L, column C", from the position the parser reports (if it does). */
function jsonErrorPlace(text: string, err: Error): string {
  const position = /at position (\d+)/.exec(err.message);
  if (!position) return "";
  const before = text.slice(0, Number(position[1]));
  const line = before.split("\n").length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf("\n")}`;
}

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

/** The server address the docker CLI uses for Docker Hub credentials. */
const DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

/** `DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, as the docker CLI looks them up. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), ".docker"), "config.json");
}

/**
 * The registry host a config key names. The CLI stores keys as `host[:port]`, as URLs
 * (`https://index.docker.io/v1/`) or with a path, and compares hosts only (docker/cli
 * `registry.ConvertToHostname`); every Docker Hub alias counts as `docker.io`.
 */
export function registryHost(key: string): string {
  return canonicalRegistry(key.replace(/^https?:\/\//i, "").split("/")[0]!);
}

/**
 * Finds the credentials for `registry` in a Docker config file, re-read on every call so that a
 * `docker login` on the host (or an updated mounted file) takes effect without a restart.
 * A missing file means anonymous pulls; an unreadable one is an error.
 */
export async function readRegistryCredentials(registry: string, file: string): Promise<RegistryCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DockerConfigError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? "read error"})`);
  }
  let config: { auths?: Record<string, AuthEntry>; credsStore?: unknown; credHelpers?: Record<string, unknown> };
  try {
    config = JSON.parse(text);
  } catch (err) {
    // The parser's own message quotes the text around the error: the start of a credential, often.
    throw new DockerConfigError(file, `is not valid JSON${jsonErrorPlace(text, err as Error)}`);
  }
  const wanted = registryHost(registry);
  const match = Object.entries(config.auths ?? {}).find(([key]) => registryHost(key) === wanted);
  const fromFile = match ? credentialsFromEntry(match[1] ?? {}, match[0], file) : undefined;
  // As the CLI: a helper named for this registry, else the default store, else the file's own entry.
  const helper = Object.entries(config.credHelpers ?? {}).find(([key]) => registryHost(key) === wanted)?.[1] ?? config.credsStore;
  if (typeof helper !== "string" || helper === "") return fromFile;
  const serverUrl = wanted === "docker.io" ? DOCKER_HUB_SERVER : wanted;
  try {
    const found = await askCredentialHelper(helper, serverUrl);
    return found ? { ...found, serveraddress: serverUrl } : fromFile;
  } catch (err) {
    if (!(err instanceof CredentialHelperError)) throw err;
    // A file copied from a desktop may name a helper this machine lacks. Its own credentials still count;
    // an empty entry means they sit in that helper, so pulling anonymously would hide the real cause.
    if (fromFile || !match) return fromFile;
    throw new DockerConfigError(file, `names a ${err.message}; the credentials for ${wanted} are kept there`);
  }
}

function credentialsFromEntry(entry: AuthEntry, key: string, file: string): RegistryCredentials | undefined {
  const serveraddress = key;
  if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") {
    return { identitytoken: entry.identitytoken, serveraddress };
  }
  if (typeof entry.auth === "string" && entry.auth !== "") {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw new DockerConfigError(file, `has an auths["${key}"].auth that is not base64 of "username:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
  }
  if (typeof entry.username === "string" && typeof entry.password === "string") {
    return { username: entry.username, password: entry.password, serveraddress };
  }
  // An entry without secrets (left by a credential store) means: no credentials here.
  return undefined;
}

/** readRegistryCredentials for an engine call: an unusable config file is the agent's configuration error. */
export async function engineRegistryAuth(registry: string, file: string): Promise<RegistryCredentials | undefined> {
  try {
    return await readRegistryCredentials(registry, file);
  } catch (err) {
    if (err instanceof DockerConfigError) throw new RuntimeError("configuration", err.message, err.message, { cause: err });
    throw err;
  }
}
