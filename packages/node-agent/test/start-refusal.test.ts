// The built agent, started as `pnpm start` starts it, refuses a bad environment in one message naming every variable.
import { spawnSync } from "node:child_process";
import { beforeAll, expect, test } from "vitest";
import { agentMain, buildAgent } from "./helpers/agent-process.js";

beforeAll(buildAgent, 120_000);

test("a bad environment stops the agent before it listens, naming every variable", () => {
  const started = spawnSync(process.execPath, [agentMain], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, PORT: "abc", CREATE_NETWORK: "maybe", KEEP_IMAGES: "0" },
    timeout: 20_000,
  });
  expect(started.status).toBe(1);
  expect(started.stdout).toBe("");
  expect(started.stderr.split("\n")).toEqual([
    "node-agent cannot start. Invalid configuration:",
    "  - PORT: must be a port 1-65535",
    '  - CREATE_NETWORK: must be true or false, got "maybe"',
    expect.stringMatching(/^ {2}- KEEP_IMAGES: must be at least 1$/),
    "",
  ]);
});

test("listening where other machines reach it without AGENT_API_TOKEN stops the agent, saying how to make one", () => {
  const started = spawnSync(process.execPath, [agentMain], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LISTEN_HOST: "0.0.0.0", PORT: "1" },
    timeout: 20_000,
  });
  expect(started.status).toBe(1);
  expect(started.stdout).toBe("");
  const [first, problem, ...rest] = started.stderr.split("\n");
  expect(first).toBe("node-agent cannot start. Invalid configuration:");
  expect(problem).toMatch(
    /^ {2}- AGENT_API_TOKEN: required because LISTEN_HOST=0\.0\.0\.0 lets other machines reach the node agent/,
  );
  expect(problem).toContain("`openssl rand -hex 24`");
  expect(problem).toContain("ALLOW_UNAUTHENTICATED=true");
  expect(rest).toEqual([""]);
});
