// The real Docker test environment: skip-or-fail gating on the engine, plus re-exports of the helpers
// (registries, test images, per-file scopes with cleanup) so test files import one module.
import { describe, test } from "vitest";
import { probeDocker } from "./engine.js";

export { DOCKER_SOCKET, testDocker } from "./engine.js";
export { eventually } from "./eventually.js";
export { freePort } from "./free-port.js";
export {
  createDockerConfig,
  type DockerConfigDir,
  type RegistryCredentials,
  startRegistry,
  type TestRegistry,
} from "./registry.js";
export { createTestScope, type TestScope } from "./scope.js";
export {
  buildTestImage,
  pullImage,
  pushImage,
  removeImage,
  type TestImage,
  type TestImageOptions,
  type TestImageVariant,
} from "./test-image.js";

/**
 * A vitest `describe` that needs the Docker engine: skipped, with the reason printed, when nothing answers on
 * /var/run/docker.sock; a failing test instead when CLARUS_REQUIRE_DOCKER=1 (CI must not skip silently).
 */
export function describeWithDocker(name: string, fn: () => void): void {
  describe(name, async () => {
    const { available, reason } = await probeDocker();
    if (available) return fn();
    if (process.env.CLARUS_REQUIRE_DOCKER === "1") {
      test("Docker engine is available", () => {
        throw new Error(`CLARUS_REQUIRE_DOCKER=1 but ${reason}`);
      });
      return;
    }
    console.warn(`[skipped] ${name}: ${reason}`);
    test.skip(`needs Docker: ${reason}`, () => {});
  });
}
