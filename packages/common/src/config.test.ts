import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, envVar, loadConfig } from "./config.js";

const schema = z.object({
  PORT: envVar.port(8081),
  CREATE_NETWORK: envVar.boolean(false),
  ALLOWED_REGISTRIES: envVar.list(),
  TIMEOUT_MS: envVar.integer({ min: 1, fallback: 1000 }),
  IDS_AGENT_URL: envVar.url("http://clarus_ids_agent:8082"),
});

describe("loadConfig", () => {
  it("applies defaults and treats empty variables as unset", () => {
    expect(loadConfig(schema, { PORT: "", CREATE_NETWORK: " " })).toEqual({
      PORT: 8081,
      CREATE_NETWORK: false,
      ALLOWED_REGISTRIES: [],
      TIMEOUT_MS: 1000,
      IDS_AGENT_URL: "http://clarus_ids_agent:8082",
    });
  });

  it("parses typed values", () => {
    const config = loadConfig(schema, {
      PORT: "9000",
      CREATE_NETWORK: "yes",
      ALLOWED_REGISTRIES: "a:5000, b ,",
      TIMEOUT_MS: "5",
    });
    expect(config).toMatchObject({ PORT: 9000, CREATE_NETWORK: true, ALLOWED_REGISTRIES: ["a:5000", "b"], TIMEOUT_MS: 5 });
  });

  it("says what a variable must be when its text is no number at all", () => {
    expect(() => loadConfig(schema, { PORT: "abc" })).toThrow("PORT: must be a port 1-65535");
  });

  it("names every bad variable in one error", () => {
    try {
      loadConfig(schema, { PORT: "70000", CREATE_NETWORK: "maybe", TIMEOUT_MS: "x", IDS_AGENT_URL: "not a url" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join("\n")).toMatch(/PORT: must be 1-65535/);
      expect(problems.join("\n")).toMatch(/CREATE_NETWORK: must be true or false, got "maybe"/);
      expect(problems.join("\n")).toMatch(/TIMEOUT_MS: must be a whole number/);
      expect(problems.join("\n")).toMatch(/IDS_AGENT_URL/);
    }
  });
});
