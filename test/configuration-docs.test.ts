// .env.example and the configuration tables of docs/ stay true to what the services read. The variable names come
// from the zod schemas the services' configuration loaders really pass to loadConfig (captured below, which also reaches
// the drift detector's schema, private to its config.ts), never from a list restated here; the compose-level variables come from docker-compose.yml's own `${VAR…}` references.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sectionOf } from "./support/documentation.js";

interface FieldSchema {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}
interface EnvironmentSchema {
  shape: Record<string, FieldSchema>;
}

const captured = vi.hoisted(() => [] as EnvironmentSchema[]);
// The services import "@clarus/common" from source (vitest's "source" condition): this is that module.
vi.mock("../packages/common/src/index.ts", async (importOriginal) => {
  const common = await importOriginal<typeof import("../packages/common/src/index.ts")>();
  return {
    ...common,
    loadConfig: (schema: EnvironmentSchema, env?: NodeJS.ProcessEnv) => {
      captured.push(schema);
      return common.loadConfig(schema as never, env);
    },
  };
});

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

type Service = "node-agent" | "drift-detector";
const schemas = new Map<Service, EnvironmentSchema>();

/** The schema a loader passes to loadConfig when it reads an empty environment. */
function schemaOf(load: () => unknown): EnvironmentSchema {
  captured.length = 0;
  load();
  expect(captured, "the loader reads its variables through loadConfig once").toHaveLength(1);
  return captured[0] as EnvironmentSchema;
}

beforeAll(async () => {
  const agent = await import("../packages/node-agent/src/config.js");
  const detector = await import("../packages/drift-detector/src/config.js");
  const agentSchema = schemaOf(() => agent.readNodeAgentConfig({}));
  // The capture sees the schema itself: the node agent's loader passes its exported schema.
  expect(agentSchema).toBe(agent.nodeAgentConfigSchema);
  schemas.set("node-agent", agentSchema);
  schemas.set(
    "drift-detector",
    schemaOf(() => detector.loadServiceConfig({})),
  );
});

const variablesOf = (service: Service) => Object.keys(schemas.get(service)?.shape ?? {});
const fieldOf = (service: Service, name: string) => schemas.get(service)?.shape[name] as FieldSchema;
/** The value a field takes when the variable is unset, as the text one would write in .env (undefined: no default). */
function defaultText(field: FieldSchema): string | undefined {
  const parsed = field.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return undefined;
  return Array.isArray(parsed.data) ? parsed.data.join(",") : String(parsed.data);
}

interface ExampleLine {
  section: string;
  name: string;
  value: string;
  commentedOut: boolean;
  line: number;
}

/** `NAME=value` and `# NAME=value` lines of .env.example, with the `# ---- section ----` they sit in. */
function exampleLines(): ExampleLine[] {
  let section = "";
  return read(".env.example")
    .split("\n")
    .flatMap((text, index) => {
      const heading = /^# ---- ([\w-]+)/.exec(text);
      if (heading) section = heading[1] as string;
      const assignment = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(text);
      if (!assignment) return [];
      return [
        {
          section,
          name: assignment[2] as string,
          value: (assignment[3] as string).trim(),
          commentedOut: assignment[1] !== undefined,
          line: index + 1,
        },
      ];
    });
}

/** The variables docker-compose.yml interpolates itself (`${NAME}` / `${NAME:-default}`). */
const composeVariables = () =>
  new Set([...read("docker-compose.yml").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string));

describe(".env.example", () => {
  const lines = exampleLines();
  const servicesOfSection = (section: string): Service[] =>
    section === "shared"
      ? ["node-agent", "drift-detector"]
      : section === "node-agent" || section === "drift-detector"
        ? [section]
        : [];

  it("has the shared, node-agent, drift-detector and docker-compose sections, and every line in one of them", () => {
    expect([...new Set(lines.map((line) => line.section))]).toEqual(["shared", "node-agent", "drift-detector", "docker-compose"]);
  });

  it.each(["node-agent", "drift-detector"] as const)(
    "lists every variable %s reads, in its section or the shared one",
    (service) => {
      const listed = new Set(lines.filter((line) => servicesOfSection(line.section).includes(service)).map((line) => line.name));
      expect(variablesOf(service).length).toBeGreaterThan(10);
      expect(variablesOf(service).filter((name) => !listed.has(name))).toEqual([]);
    },
  );

  it("lists only variables that the services of its section read", () => {
    const unread = lines
      .filter((line) => line.section !== "docker-compose")
      .filter((line) => !servicesOfSection(line.section).every((service) => variablesOf(service).includes(line.name)));
    expect(unread.map((line) => `line ${line.line}: ${line.name} (${line.section})`)).toEqual([]);
  });

  it("lists in the docker-compose section exactly what docker-compose.yml interpolates, which no service reads", () => {
    const listed = lines.filter((line) => line.section === "docker-compose").map((line) => line.name);
    expect(new Set(listed)).toEqual(composeVariables());
    const read = new Set([...variablesOf("node-agent"), ...variablesOf("drift-detector")]);
    expect(listed.filter((name) => read.has(name))).toEqual([]);
  });

  it("gives each group of variables a comment", () => {
    const text = read(".env.example").split("\n");
    const uncommented = lines.filter((line) => {
      // Walk up over the assignments of this group to the first line that is not one.
      let above = line.line - 2;
      while (above >= 0 && /^#?\s*[A-Z][A-Z0-9_]*=/.test(text[above] as string)) above--;
      const comment = text[above] ?? "";
      return !/^# \S/.test(comment) || /^# ----/.test(comment);
    });
    expect(uncommented.map((line) => `line ${line.line}: ${line.name}`)).toEqual([]);
  });

  it("shows values the services accept, and the real default wherever a variable has one", () => {
    const problems: string[] = [];
    for (const line of lines) {
      for (const service of servicesOfSection(line.section)) {
        const field = fieldOf(service, line.name);
        if (!field || line.value === "") continue;
        const parsed = field.safeParse(line.value);
        if (!parsed.success) problems.push(`line ${line.line}: ${line.name}=${line.value} is refused by ${service}`);
        const fallback = defaultText(field);
        if (line.commentedOut && fallback !== undefined && fallback !== line.value)
          problems.push(`line ${line.line}: ${line.name}=${line.value} but ${service} defaults to ${fallback}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

interface TableRow {
  names: string[];
  defaults: string[];
}

/**
 * The rows of the `| Variable | Default | Meaning |` table in the section of `page` that starts with `heading`:
 * the backquoted names in the first cell and the backquoted defaults in the second.
 */
function configurationTable(page: string, heading: string): TableRow[] {
  const section = sectionOf(page, heading);
  // Cells may be padded (biome's markdown formatter aligns the columns).
  const tableStart = section.search(/\| Variable +\| Default +\| Meaning +\|/);
  expect(tableStart, `a "| Variable | Default | Meaning |" table in ${heading}`).toBeGreaterThan(0);
  const table = section.slice(tableStart);
  const backquoted = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
  const rows = table.split("\n").slice(2);
  const tableEnd = rows.findIndex((row) => !row.startsWith("|"));
  return rows.slice(0, tableEnd < 0 ? undefined : tableEnd).map((row) => {
    const [, names = "", defaults = ""] = row.split("|").map((cell) => cell.trim());
    return { names: backquoted(names), defaults: backquoted(defaults) };
  });
}

describe.each([
  { service: "node-agent" as const, page: "docs/node-agent.md", heading: "## Configuration" },
  { service: "drift-detector" as const, page: "docs/drift-detector.md", heading: "### Configuration" },
])("configuration table of $service ($page)", ({ service, page, heading }) => {
  it("has a row for every variable the service reads, and no other", () => {
    const documented = configurationTable(page, heading).flatMap((row) => row.names);
    expect(variablesOf(service).filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !variablesOf(service).includes(name))).toEqual([]);
  });

  it("states the defaults the service really uses", () => {
    const wrong: string[] = [];
    for (const row of configurationTable(page, heading)) {
      row.names.forEach((name, index) => {
        const field = fieldOf(service, name);
        const documented = row.names.length === row.defaults.length ? row.defaults[index] : undefined;
        if (!field || documented === undefined) return;
        const actual = defaultText(field);
        if (actual !== undefined && actual !== documented)
          wrong.push(`${name}: ${page} says ${documented}, the service uses ${actual}`);
        if (actual === undefined && field.safeParse(documented).success === false)
          wrong.push(`${name}: ${page}'s ${documented} is not a value the service accepts`);
      });
    }
    expect(wrong).toEqual([]);
  });
});
