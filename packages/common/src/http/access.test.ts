import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig } from "../config.js";
import { accessVariables, apiTokenVariable, exposureWarning, isLoopback, readAccess } from "./access.js";

const schema = z.object({ THING_API_TOKEN: apiTokenVariable(), ...accessVariables });

const THING = { name: "thing", power: "start containers" };

function read(env: Record<string, string>) {
  const parsed = loadConfig(schema, env);
  return readAccess(parsed, parsed.THING_API_TOKEN, "THING_API_TOKEN", THING);
}
const accessOf = (env: Record<string, string>) => read(env).access;
const problemsOf = (env: Record<string, string>) => read(env).problems;

describe("access variables", () => {
  it("default to loopback, no extra origins or hosts, no opt-out", () => {
    expect(accessOf({})).toEqual({
      listenHost: "127.0.0.1",
      apiToken: undefined,
      tokenVariable: "THING_API_TOKEN",
      allowedOrigins: [],
      allowedHosts: [],
      allowUnauthenticated: false,
    });
  });

  it("read origins as browsers send them, and host names", () => {
    const access = accessOf({
      ALLOWED_ORIGINS: "https://Dashboard.Plant.example:443/, http://10.0.0.5:3000",
      ALLOWED_HOSTS: "Edge01.plant.example.,clarus_node_agent",
    });
    expect(access.allowedOrigins).toEqual(["https://dashboard.plant.example", "http://10.0.0.5:3000"]);
    expect(access.allowedHosts).toEqual(["edge01.plant.example", "clarus_node_agent"]);
  });

  it.each([
    ["ALLOWED_ORIGINS", "https://dashboard.example/app", "is not an origin"],
    ["ALLOWED_ORIGINS", "dashboard.example", "is not an origin"],
    ["ALLOWED_ORIGINS", "ftp://files.example", "is not an origin"],
    ["ALLOWED_HOSTS", "http://edge01", "must be host names"],
    ["LISTEN_HOST", "my machine", "must be an IP address"],
    ["THING_API_TOKEN", "short", "openssl rand -hex 24"],
  ])("refuse %s=%s", (variable, value, message) => {
    expect(() => loadConfig(schema, { [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { [variable]: value })).toThrow(message);
  });
});

describe("exposure", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost"])(
    "%s is loopback: the token stays optional",
    (host) => {
      expect(isLoopback(host)).toBe(true);
      expect(problemsOf({ LISTEN_HOST: host })).toEqual([]);
    },
  );

  it.each(["0.0.0.0", "::", "192.168.1.20", "::ffff:10.0.0.1"])(
    "%s without a token refuses to start, saying what to do",
    (host) => {
      expect(isLoopback(host)).toBe(false);
      const problems = problemsOf({ LISTEN_HOST: host });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^THING_API_TOKEN: required because LISTEN_HOST=${host.replace(/\./g, "\\.")} `));
      expect(problems[0]).toContain("start containers");
      expect(problems[0]).toContain("`openssl rand -hex 24`");
      expect(problems[0]).toContain("ALLOW_UNAUTHENTICATED=true");
    },
  );

  it("starts off loopback with a token, silently", () => {
    const env = { LISTEN_HOST: "0.0.0.0", THING_API_TOKEN: "a".repeat(48) };
    expect(problemsOf(env)).toEqual([]);
    expect(exposureWarning(accessOf(env))).toBeUndefined();
  });

  it("starts off loopback without a token only with ALLOW_UNAUTHENTICATED=true, with a warning", () => {
    const env = { LISTEN_HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED: "true" };
    expect(problemsOf(env)).toEqual([]);
    expect(exposureWarning(accessOf(env))).toMatch(
      /^ALLOW_UNAUTHENTICATED=true: listening on 0\.0\.0\.0 without THING_API_TOKEN/,
    );
    expect(exposureWarning(accessOf({ ALLOW_UNAUTHENTICATED: "true" }))).toBeUndefined();
  });
});
