import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
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
      credsStore: "desktop",
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

test("no file means anonymous; a broken file or entry is an error naming the file", async () => {
  expect(await readRegistryCredentials("docker.io", join(dir, "absent.json"))).toBeUndefined();
  await writeFile(file(), "{ nope");
  await expect(readRegistryCredentials("docker.io", file())).rejects.toThrow(DockerConfigError);
  await expect(readRegistryCredentials("docker.io", file())).rejects.toThrow(`Docker config file ${file()}: is not valid JSON`);
  await writeFile(file(), JSON.stringify({ auths: { "reg:5000": { auth: b64("no-colon") } } }));
  await expect(readRegistryCredentials("reg:5000", file())).rejects.toThrow(
    'auths["reg:5000"].auth is not base64 of "username:password"',
  );
});
