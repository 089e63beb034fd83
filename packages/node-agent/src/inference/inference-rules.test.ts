import { expect, test } from "vitest";
import { ENV_NAME, INFERENCE_ID, registryAllowed } from "./inference-rules.js";

test("inference ids follow Docker's container-name rule", () => {
  for (const ok of ["inference01", "UC_Energy", "ab", "a.b-c_d", "9lives", "c594581a834a", "x".repeat(128)]) {
    expect(INFERENCE_ID.test(ok), ok).toBe(true);
  }
  // One character is no container name for Docker; its inspect would take it as an id prefix.
  for (const bad of ["", "7", "-x", ".x", "_x", "a b", "a/b", "a:b", "a\n", "x".repeat(129)]) {
    expect(INFERENCE_ID.test(bad), bad).toBe(false);
  }
});

test("environment names are POSIX-portable", () => {
  for (const ok of ["env1", "_X", "MODEL_PATH"]) expect(ENV_NAME.test(ok), ok).toBe(true);
  for (const bad of ["1X", "A-B", "A B", "", "A=B"]) expect(ENV_NAME.test(bad), bad).toBe(false);
});

test("an empty allowlist admits every registry; otherwise hosts compare case-insensitively, Docker Hub by any alias", () => {
  expect(registryAllowed("anything:5000", [])).toBe(true);
  expect(registryAllowed("docker.io", ["index.docker.io"])).toBe(true);
  expect(registryAllowed("Registry.Example.com", ["registry.example.com"])).toBe(true);
  expect(registryAllowed("127.0.0.1:5000", ["127.0.0.1:5001", "docker.io"])).toBe(false);
});
