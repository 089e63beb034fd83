import { z } from "zod";

/** Every invalid or missing variable, listed in one start-up error. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment with a zod object schema; unset and empty variables count as absent. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`));
  }
  return result.data;
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

function bounded<N extends z.ZodCoercedNumber<unknown>>(n: N, min?: number, max?: number): N {
  let result = n;
  if (min !== undefined) result = result.min(min, `must be at least ${min}`) as N;
  if (max !== undefined) result = result.max(max, `must be at most ${max}`) as N;
  return result;
}

// The coerce's own message matters: text like "abc" becomes NaN, which zod would report as "received NaN".
const portNumber = () =>
  z.coerce.number("must be a port 1-65535").int("must be 1-65535").min(1, "must be 1-65535").max(65535, "must be 1-65535");
const wholeNumber = (min?: number, max?: number) =>
  bounded(z.coerce.number("must be a whole number").int("must be a whole number"), min, max);

/** Env-variable field builders: each accepts the variable's text and yields a typed value. */
export const envVar = {
  string: (fallback: string) => z.string().default(fallback),
  optionalString: () => z.string().optional(),

  integer: (opts: { min?: number; max?: number; fallback: number }) => wholeNumber(opts.min, opts.max).default(opts.fallback),
  optionalInteger: (opts: { min?: number; max?: number } = {}) => wholeNumber(opts.min, opts.max).optional(),

  number: (opts: { min?: number; max?: number; fallback: number }) =>
    bounded(z.coerce.number("must be a number"), opts.min, opts.max).default(opts.fallback),

  port: (fallback: number) => portNumber().default(fallback),
  optionalPort: () => portNumber().optional(),

  boolean: (fallback: boolean) =>
    z
      .string()
      .transform((text, ctx) => {
        const word = text.toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        if (FALSE_WORDS.has(word)) return false;
        ctx.addIssue({ code: "custom", message: `must be true or false, got "${text}"` });
        return z.NEVER;
      })
      .optional()
      .transform((v) => v ?? fallback),

  /** Comma-separated list; empty entries dropped. */
  list: () =>
    z
      .string()
      .transform((text) =>
        text
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      )
      .optional()
      .transform((v) => v ?? []),

  url: (fallback: string) => z.url("must be a URL such as http://host:port").default(fallback),
  optionalUrl: () => z.url("must be a URL such as http://host:port").optional(),

  logLevel: () => z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};
