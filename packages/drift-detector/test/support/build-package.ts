import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const PACKAGE_DIR = resolve(import.meta.dirname, "../..");

/**
 * Brings dist/ up to date as `pnpm build` does (tsc -b: a no-op when it is), so a test that spawns the built service
 * neither skips nor runs stale code, whether or not the caller built first.
 */
export function buildPackage(): void {
  const tsc = resolve(PACKAGE_DIR, "../../node_modules/typescript/bin/tsc");
  const build = spawnSync(process.execPath, [tsc, "-b", PACKAGE_DIR], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`tsc -b ${PACKAGE_DIR} failed:\n${build.stdout}${build.stderr}`);
}
