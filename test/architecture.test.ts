// The layering, checked on every import of every non-test source file: a pure core (drift-detector csv,
// stats, drift, report; node-agent inference) that imports no adapter and no I/O library, I/O libraries only inside
// the adapter that owns them, a service's problem types raised only at its edge (routes/), and a common package that
// knows no service.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** One import (static, type-only, re-export or dynamic) of one source file. */
interface SourceImport {
  /** The importing file, relative to the repository root ("packages/node-agent/src/app.ts"). */
  file: string;
  /** The specifier as written. */
  specifier: string;
  /** For a relative specifier: the imported file relative to the root, else undefined. */
  target: string | undefined;
  /** For a bare specifier: the module name without the node: prefix ("fs/promises", "dockerode"). */
  module: string | undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

function importsOf(file: string, text: string): SourceImport[] {
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: specifier }) => {
    if (specifier.startsWith(".")) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, ".ts");
      return { file, specifier, target, module: undefined };
    }
    return { file, specifier, target: undefined, module: specifier.replace(/^node:/, "") };
  });
}

function allImports(): SourceImport[] {
  const packages = readdirSync(join(ROOT, "packages"));
  return packages.flatMap((name) =>
    sourceFiles(join(ROOT, "packages", name, "src")).flatMap((path) =>
      importsOf(relative(ROOT, path), readFileSync(path, "utf8")),
    ),
  );
}

const DRIFT = "packages/drift-detector/src/";
const AGENT = "packages/node-agent/src/";

/**
 * Folders of the core, which reach no adapter and no I/O library: statistics, CSV parsing, drift rules, report
 * rendering, a run's threads (computation off the main thread), the inference use cases.
 */
const CORE = [`${DRIFT}csv/`, `${DRIFT}stats/`, `${DRIFT}drift/`, `${DRIFT}report/`, `${DRIFT}threads/`, `${AGENT}inference/`];

/** Adapters and composition roots the core must not reach into. */
const OUTSIDE_CORE = [
  `${DRIFT}adapters/`,
  `${DRIFT}pipeline/`,
  `${DRIFT}routes/`,
  `${DRIFT}app.ts`,
  `${DRIFT}main.ts`,
  `${DRIFT}cli.ts`,
  `${DRIFT}config.ts`,
  `${AGENT}runtime/`,
  `${AGENT}routes/`,
  `${AGENT}ids/`,
  `${AGENT}app.ts`,
  `${AGENT}main.ts`,
  `${AGENT}config.ts`,
];

/** The part of runtime/ the core is written against: the engine interfaces (containers, swarm services) and their engine-neutral error. */
const RUNTIME_PORT = [
  `${AGENT}runtime/container-runtime.ts`,
  `${AGENT}runtime/service-runtime.ts`,
  `${AGENT}runtime/runtime-error.ts`,
];

/**
 * Libraries that reach the outside world (network, files, processes, HTTP serving). The core may use computation
 * modules (crypto, events, buffer, util, timers, worker_threads for reading and comparing off the main thread,
 * csv-parse, zod).
 */
const IO_MODULES = [
  "dockerode",
  "minio",
  "axios",
  "undici",
  "express",
  "swagger-ui-express",
  "pino-http",
  "prom-client",
  "http",
  "https",
  "http2",
  "net",
  "tls",
  "dgram",
  "dns",
  "fs",
  "fs/promises",
  "child_process",
  "cluster",
];

/** Which folders may import a given I/O library, outside which its import is a violation. */
const LIBRARY_HOMES: Record<string, string[]> = {
  dockerode: [`${AGENT}runtime/`],
  minio: [`${DRIFT}adapters/`],
  // The one outbound HTTP client, which the drift adapters and the node agent's IDS lookup call.
  axios: ["packages/common/src/upstream/"],
};

/** A service's table of problem types, and the one folder that raises them: its edge. */
const PROBLEM_TABLES: Record<string, string> = {
  [`${DRIFT}problem-types.ts`]: `${DRIFT}routes/`,
  [`${AGENT}problem-types.ts`]: `${AGENT}routes/`,
};

const under = (path: string, folders: string[]) => folders.some((folder) => path.startsWith(folder));
const show = (imp: SourceImport) => `${imp.file} imports "${imp.specifier}"`;

function layeringViolations(imports: SourceImport[]): string[] {
  const violations: string[] = [];
  for (const imp of imports) {
    if (under(imp.file, CORE)) {
      if (imp.target && under(imp.target, OUTSIDE_CORE) && !RUNTIME_PORT.includes(imp.target))
        violations.push(`${show(imp)}: the core imports an adapter or composition root`);
      if (imp.module && IO_MODULES.includes(imp.module)) violations.push(`${show(imp)}: the core imports an I/O library`);
    }
    for (const [library, homes] of Object.entries(LIBRARY_HOMES)) {
      if (imp.module === library && !under(imp.file, homes))
        violations.push(`${show(imp)}: ${library} belongs in ${homes.join(" or ")}`);
    }
    const edge = imp.target && PROBLEM_TABLES[imp.target];
    if (edge && !imp.file.startsWith(edge))
      violations.push(`${show(imp)}: problems are made at the edge (${edge}); throw a domain or upstream error`);
    if (imp.file.startsWith("packages/common/")) {
      const service = imp.module?.startsWith("@clarus/") && imp.module !== "@clarus/common";
      if (service || (imp.target && !imp.target.startsWith("packages/common/")))
        violations.push(`${show(imp)}: @clarus/common imports a service package`);
    }
  }
  return violations;
}

describe("architecture: imports follow the layering", () => {
  const imports = allImports();

  it("reads the imports of every source file (dynamic and type-only imports included)", () => {
    expect(imports).toContainEqual(expect.objectContaining({ file: `${AGENT}runtime/docker-runtime.ts`, module: "dockerode" }));
    expect(imports).toContainEqual(expect.objectContaining({ file: `${DRIFT}adapters/storage/s3-store.ts`, module: "minio" }));
    expect(importsOf(`${AGENT}inference/x.ts`, 'import type { A } from "../ids/a.js";\nawait import("node:net");')).toEqual([
      { file: `${AGENT}inference/x.ts`, specifier: "../ids/a.js", target: `${AGENT}ids/a.ts`, module: undefined },
      { file: `${AGENT}inference/x.ts`, specifier: "node:net", target: undefined, module: "net" },
    ]);
  });

  it("has no violation", () => {
    expect(layeringViolations(imports)).toEqual([]);
  });

  it("names each kind of violation", () => {
    const probe = (file: string, text: string) => layeringViolations(importsOf(file, text));
    expect(probe(`${DRIFT}stats/x.ts`, 'import "../adapters/retry.js";')).toHaveLength(1);
    expect(probe(`${DRIFT}report/x.ts`, 'import { readFile } from "node:fs/promises";')).toHaveLength(1);
    expect(probe(`${AGENT}inference/x.ts`, 'import type { RuntimeError } from "../runtime/runtime-error.js";')).toEqual([]);
    expect(probe(`${AGENT}inference/x.ts`, 'import { DockerRuntime } from "../runtime/docker-runtime.js";')).toHaveLength(1);
    expect(probe(`${DRIFT}pipeline/x.ts`, 'import Docker from "dockerode";')).toHaveLength(1);
    expect(probe(`${AGENT}routes/x.ts`, 'import { Client } from "minio";')).toHaveLength(1);
    expect(probe(`${DRIFT}pipeline/x.ts`, 'import axios from "axios";')).toHaveLength(1);
    expect(probe(`${AGENT}ids/x.ts`, 'import "../problem-types.js";')).toHaveLength(1);
    expect(probe(`${DRIFT}adapters/ids/x.ts`, 'import "../../problem-types.js";')).toHaveLength(1);
    expect(probe(`${DRIFT}routes/x.ts`, 'import "../problem-types.js";')).toEqual([]);
    expect(probe("packages/common/src/x.ts", 'import { app } from "@clarus/node-agent";')).toHaveLength(1);
    expect(probe("packages/common/src/x.ts", 'import "../../drift-detector/src/app.js";')).toHaveLength(1);
  });
});
