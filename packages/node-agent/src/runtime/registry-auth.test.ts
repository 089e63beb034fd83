import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DockerConfigError, dockerConfigPath, readRegistryCredentials, registryHost } from "./registry-auth.js";

let dir: string;
const file = () => join(dir, "config.json");
const b64 = (text: string) => Buffer.from(text).toString("base64");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "clarus-auth-test-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test("the config file is found like the docker CLI finds it", () => {
  expect(dockerConfigPath({ DOCKER_CONFIG: "/etc/clarus/docker" })).toBe("/etc/clarus/docker/config.json");
  expect(dockerConfigPath({})).toBe(join(homedir(), ".docker", "config.json"));
});

test("config keys name hosts, as URLs or with paths; Docker Hub under any alias", () => {
  expect(registryHost("https://index.docker.io/v1/")).toBe("docker.io");
  expect(registryHost("registry-1.docker.io")).toBe("docker.io");
  expect(registryHost("http://127.0.0.1:5000/v2/")).toBe("127.0.0.1:5000");
  expect(registryHost("Registry.Example.com:443")).toBe("registry.example.com:443");
});

test("auth (base64, password may hold colons), username/password and identity tokens; the matching host only", async () => {
  await writeFile(
    file(),
    JSON.stringify({
      auths: {
        "https://index.docker.io/v1/": { auth: b64("hubuser:pa:ss:word") },
        "127.0.0.1:5000": { username: "edge", password: "s3cret" },
        "sso.example.com": { identitytoken: "tok-123" },
        "store.example.com": {},
      },
    }),
  );
  expect(await readRegistryCredentials("docker.io", file())).toEqual({
    username: "hubuser",
    password: "pa:ss:word",
    serveraddress: "https://index.docker.io/v1/",
  });
  expect(await readRegistryCredentials("127.0.0.1:5000", file())).toEqual({
    username: "edge",
    password: "s3cret",
    serveraddress: "127.0.0.1:5000",
  });
  expect(await readRegistryCredentials("sso.example.com", file())).toEqual({
    identitytoken: "tok-123",
    serveraddress: "sso.example.com",
  });
  expect(await readRegistryCredentials("store.example.com", file())).toBeUndefined();
  expect(await readRegistryCredentials("127.0.0.1:5001", file())).toBeUndefined();
});

/** The message a broken file gives, checked to name the file by its variable and to quote nothing of it. */
async function refusal(registry: string): Promise<string> {
  const err = await readRegistryCredentials(registry, file()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DockerConfigError);
  const message = (err as Error).message;
  expect(message).toMatch(/^The agent's Docker config file \(config\.json in DOCKER_CONFIG\) /);
  expect(message).not.toContain(dir);
  return message;
}

test("no file means anonymous; a broken file or entry is an error naming the variable, quoting no credential", async () => {
  expect(await readRegistryCredentials("docker.io", join(dir, "absent.json"))).toBeUndefined();
  await writeFile(file(), "{ nope");
  expect(await refusal("docker.io")).toMatch(/is not valid JSON/);
  // An unquoted auth value: the parser's own message would quote the start of the credential.
  const secret = b64("plant-user:Very-Secret-Pw");
  await writeFile(file(), `{\n  "auths": {\n    "reg:5000": { "auth": ${secret} }\n  }\n}`);
  const message = await refusal("reg:5000");
  // Node 22+ reports where parsing stopped; Node 20 does not for this error.
  expect(message).toMatch(
    /^The agent's Docker config file \(config\.json in DOCKER_CONFIG\) is not valid JSON( at line 3, column 24)?$/,
  );
  for (let i = 0; i + 4 <= secret.length; i++) expect(message).not.toContain(secret.slice(i, i + 4));
  await writeFile(file(), JSON.stringify({ auths: { "reg:5000": { auth: b64("no-colon") } } }));
  expect(await refusal("reg:5000")).toContain('auths["reg:5000"].auth that is not base64 of "username:password"');
});

describe("credential helpers (credsStore, credHelpers)", () => {
  let bin: string;
  let savedPath: string | undefined;
  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), "clarus-helpers-"));
    // A helper that knows one server (the protocol of github.com/docker/docker-credential-helpers).
    const script = (known: string, answer: string) =>
      `#!/bin/sh\nread server\nif [ "$1" = get ] && [ "$server" = "${known}" ]; then echo '${answer}'; exit 0; fi\necho "credentials not found in native keychain"; exit 1\n`;
    await writeFile(
      join(bin, "docker-credential-vault"),
      script("127.0.0.1:5000", '{"ServerURL":"127.0.0.1:5000","Username":"robot","Secret":"from-helper"}'),
      { mode: 0o755 },
    );
    await writeFile(
      join(bin, "docker-credential-desk"),
      script("https://index.docker.io/v1/", '{"Username":"<token>","Secret":"hub-token"}'),
      { mode: 0o755 },
    );
    // Closes stdin unread: writing the server URL then breaks the pipe, which must not crash the agent.
    await writeFile(join(bin, "docker-credential-broken"), "#!/bin/sh\nexec 0<&-\necho 'not json'\n", { mode: 0o755 });
    savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
  });
  afterAll(async () => {
    process.env.PATH = savedPath;
    await rm(bin, { recursive: true, force: true });
  });

  test("credHelpers for one registry and credsStore for the rest are asked like the CLI asks them", async () => {
    await writeFile(
      file(),
      JSON.stringify({ auths: { "127.0.0.1:5000": {} }, credHelpers: { "127.0.0.1:5000": "vault" }, credsStore: "desk" }),
    );
    expect(await readRegistryCredentials("127.0.0.1:5000", file())).toEqual({
      username: "robot",
      password: "from-helper",
      serveraddress: "127.0.0.1:5000",
    });
    expect(await readRegistryCredentials("docker.io", file())).toEqual({
      identitytoken: "hub-token",
      serveraddress: "https://index.docker.io/v1/",
    });
    // The store knows nothing about this one: anonymous.
    expect(await readRegistryCredentials("ghcr.io", file())).toBeUndefined();
  });

  test("a helper this machine lacks: the file's own credentials, anonymous for registries never logged into, else an error", async () => {
    await writeFile(
      file(),
      JSON.stringify({ auths: { "a.example.com": { auth: b64("u:p") }, "b.example.com": {} }, credsStore: "not-installed" }),
    );
    expect(await readRegistryCredentials("a.example.com", file())).toMatchObject({ username: "u", password: "p" });
    expect(await readRegistryCredentials("c.example.com", file())).toBeUndefined();
    await expect(readRegistryCredentials("b.example.com", file())).rejects.toThrow(
      "credential helper docker-credential-not-installed: is not installed (not on PATH); the credentials for b.example.com are kept there",
    );
    await writeFile(file(), JSON.stringify({ auths: { "b.example.com": {} }, credsStore: "broken" }));
    await expect(readRegistryCredentials("b.example.com", file())).rejects.toThrow("answered 9 characters that are not JSON");
  });
});
