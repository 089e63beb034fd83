import { isIP } from "node:net";
import { z } from "zod";
import { envVar } from "../config.js";

/** The shortest API token accepted: a guessable one would protect nothing. */
const TOKEN_MIN_LENGTH = 16;
const MAKE_TOKEN = "openssl rand -hex 24";

/** `scheme://host[:port]`, as browsers send it in `Origin`; anything with a path, query or credentials is refused. */
function origin(text: string, ctx: z.RefinementCtx): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: `"${text}" is not an origin such as https://dashboard.plant.example:8443` });
    return z.NEVER;
  }
  const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  if (!/^https?:$/.test(url.protocol) || !bare) {
    ctx.addIssue({
      code: "custom",
      message: `"${text}" is not an origin: give scheme, host and port only, e.g. https://dashboard.plant.example:8443`,
    });
    return z.NEVER;
  }
  return url.origin;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

/**
 * The variables both services read about who may reach them (docs/security.md): where they listen, which browser
 * origins and Host names they accept, and the explicit opt-out of the token off loopback. Spread into each schema.
 */
export const accessVariables = {
  LISTEN_HOST: z
    .string()
    .refine((host) => host === "localhost" || isIP(host) !== 0, "must be an IP address (127.0.0.1, 0.0.0.0, ::) or localhost")
    .default("127.0.0.1"),
  ALLOWED_ORIGINS: envVar.list().pipe(z.array(z.string().transform(origin))),
  ALLOWED_HOSTS: envVar
    .list()
    .pipe(z.array(z.string().regex(HOST_NAME, "must be host names such as edge01.plant.example, comma-separated"))),
  ALLOW_UNAUTHENTICATED: envVar.boolean(false),
};

/** An API token variable: optional, but never short enough to guess. */
export const apiTokenVariable = () =>
  z.string().min(TOKEN_MIN_LENGTH, `must be at least ${TOKEN_MIN_LENGTH} characters; make one with \`${MAKE_TOKEN}\``).optional();

type AccessVariables = { [K in keyof typeof accessVariables]: z.output<(typeof accessVariables)[K]> };

/** Who may reach one service and how it proves it: built once per service from its configuration. */
export interface HttpAccess {
  /** Address the service listens on. */
  listenHost: string;
  /** The bearer token every non-public route needs, when set. */
  apiToken: string | undefined;
  /** The variable that holds it (`AGENT_API_TOKEN`), named in refusals. */
  tokenVariable: string;
  /** Origins (`scheme://host[:port]`) whose pages may call routes that change state. */
  allowedOrigins: string[];
  /** Host names the `Host` header may carry besides localhost, IP addresses and this machine's name (checked without a token). */
  allowedHosts: string[];
  allowUnauthenticated: boolean;
}

/** What one service guards, named where it refuses to start without a token. */
export interface GuardedService {
  /** "node agent" */
  name: string;
  /** What a caller could do: "start containers on this machine's Docker engine". */
  power: string;
}

/**
 * The access of one service from its variables, and why it must not start (empty when it may): listening where other
 * machines reach it, with no token and no explicit opt-out.
 */
export function readAccess(
  variables: AccessVariables,
  apiToken: string | undefined,
  tokenVariable: string,
  service: GuardedService,
): { access: HttpAccess; problems: string[] } {
  const access = httpAccess(variables, apiToken, tokenVariable);
  return { access, problems: exposureProblems(access, service) };
}

function httpAccess(variables: AccessVariables, apiToken: string | undefined, tokenVariable: string): HttpAccess {
  return {
    listenHost: variables.LISTEN_HOST,
    apiToken,
    tokenVariable,
    allowedOrigins: variables.ALLOWED_ORIGINS,
    allowedHosts: variables.ALLOWED_HOSTS.map((host) => host.toLowerCase().replace(/\.$/, "")),
    allowUnauthenticated: variables.ALLOW_UNAUTHENTICATED,
  };
}

/** True for addresses only programs on this machine can reach. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (address === "localhost") return true;
  if (isIP(address) === 4) return address.startsWith("127.");
  if (isIP(address) !== 6) return false;
  // The URL parser writes every spelling of an IPv6 address one way (0:0:0:0:0:0:0:1 → ::1, ::ffff:127.0.0.1 → ::ffff:7f00:1).
  const canonical = new URL(`http://[${address}]`).hostname;
  return canonical === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:/.test(canonical);
}

/** Why the service must not start, in the ConfigError style `VARIABLE: what to do`. */
function exposureProblems(access: HttpAccess, { name: service, power }: GuardedService): string[] {
  if (access.apiToken || access.allowUnauthenticated || isLoopback(access.listenHost)) return [];
  return [
    `${access.tokenVariable}: required because LISTEN_HOST=${access.listenHost} lets other machines reach the ${service}, ` +
      `and whoever reaches it can ${power}. Make a token with \`${MAKE_TOKEN}\`, set ${access.tokenVariable} to it and send ` +
      `"Authorization: Bearer <token>"; or listen on loopback only (LISTEN_HOST=127.0.0.1); or, on a network you fully ` +
      "trust, set ALLOW_UNAUTHENTICATED=true to run without a token.",
  ];
}

/** What to log at every start while the explicit opt-out leaves a reachable service without a token. */
export function exposureWarning(access: HttpAccess): string | undefined {
  if (access.apiToken || isLoopback(access.listenHost) || !access.allowUnauthenticated) return undefined;
  return (
    `ALLOW_UNAUTHENTICATED=true: listening on ${access.listenHost} without ${access.tokenVariable}, so any machine that ` +
    `reaches this port can call every route. Set ${access.tokenVariable} (\`${MAKE_TOKEN}\`) to require a token.`
  );
}
