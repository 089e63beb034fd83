import { isIP } from "node:net";
import { hostname } from "node:os";
import type { Request, RequestHandler } from "express";
import { HttpProblem } from "./problem.js";
import { COMMON_PROBLEMS } from "./problem-types.js";
import { changesState, matchesPath, type Route } from "./route.js";

/** What the guard needs to know about one service; built from its configuration (see access.ts). */
export interface RequestGuardOptions {
  /** Without a token the Host header is checked (DNS rebinding); a rebinding page never has the token. */
  apiToken?: string | undefined;
  /** The token's variable, named in refusals (`AGENT_API_TOKEN`). */
  tokenVariable?: string | undefined;
  /** Origins whose pages may call routes that change state (`ALLOWED_ORIGINS`). */
  allowedOrigins?: readonly string[] | undefined;
  /** Extra names the Host header may carry (`ALLOWED_HOSTS`). */
  allowedHosts?: readonly string[] | undefined;
  /** This machine's names; defaults to its host name. */
  machineNames?: readonly string[] | undefined;
  /** The service's routes: a GET is refused to other sites only where its route changes state. */
  routes: readonly Route[];
}

export interface RequestGuard {
  /** Every request, before anything else: a Host that is not a name of this service (only without a token). */
  host: RequestHandler;
  /** Every request, before body parsing: bodies only as application/json (forms and text/plain are what pages can send). */
  jsonBodies: RequestHandler;
  /** Every request, before body parsing: on routes that change state, refuse what a browser marks as another site's. */
  crossSite: RequestHandler;
}

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The host name a Host header names, lower-case, without port, brackets or trailing dot; undefined when malformed. */
function hostOf(header: string): string | undefined {
  const match = HOST_HEADER.exec(header.trim());
  if (!match?.[1]) return undefined;
  return match[1]
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

/** Whether `origin` (as browsers send it) is the origin of a page served by this service under `host`. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const page = new URL(origin);
    return page.origin === origin && new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}

/** Refuses requests a web page could make against this service; see docs/security.md. */
export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const tokenVariable = options.tokenVariable ?? "the API token";
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const machineNames = (options.machineNames ?? [hostname()]).map((name) => name.toLowerCase());
  const knownNames = new Set([
    ...machineNames,
    ...machineNames.map((name) => name.split(".")[0] ?? name),
    ...(options.allowedHosts ?? []).map((name) => name.toLowerCase()),
  ]);

  const isServiceName = (name: string) =>
    isIP(name) !== 0 || name === "localhost" || name.endsWith(".localhost") || knownNames.has(name);

  const host: RequestHandler = (req, _res, next) => {
    const header = req.headers.host;
    if (options.apiToken || header === undefined) return next();
    const name = hostOf(header);
    if (name !== undefined && isServiceName(name)) return next();
    next(
      new HttpProblem(
        COMMON_PROBLEMS["host-not-allowed"],
        `The Host header "${header.slice(0, 100)}" is not a name of this service. Without ${tokenVariable} only localhost, ` +
          "IP addresses, this machine's host name and the names in ALLOWED_HOSTS are accepted, " +
          `so that a web page cannot reach the service through a DNS name it controls (DNS rebinding). Add the name to ` +
          `ALLOWED_HOSTS, or set ${tokenVariable}.`,
        {
          errors: [{ location: "header", field: "host", message: "not a name of this service (ALLOWED_HOSTS)" }],
        },
      ),
    );
  };

  const jsonBodies: RequestHandler = (req, _res, next) => {
    const type = req.get("content-type")?.trim() || undefined;
    const body = hasBody(req);
    // A non-JSON type is tolerated only where it carries nothing: a GET or HEAD without a body.
    const acceptable = type === undefined ? !body : JSON_TYPE.test(type) || (!body && SAFE_METHODS.has(req.method));
    if (acceptable) return next();
    const sent = type === undefined ? "no Content-Type" : `Content-Type: ${type.slice(0, 100)}`;
    next(
      new HttpProblem(
        COMMON_PROBLEMS["json-only"],
        `Request bodies must be JSON with the header Content-Type: application/json; this request sent ${sent}. ` +
          "Forms, multipart and text/plain bodies are refused: they are what a web page can send to another site.",
        {
          errors: [{ location: "header", field: "content-type", message: "must be application/json" }],
        },
      ),
    );
  };

  // Any method but GET, HEAD and OPTIONS may change state, on whatever path; a GET (or HEAD) only where a route says so.
  const stateChangingGets = options.routes.filter((route) => route.method === "get" && changesState(route));
  const reachesEffect = (req: Request) =>
    !SAFE_METHODS.has(req.method) || stateChangingGets.some((route) => matchesPath(route, req.path));

  const crossSite: RequestHandler = (req, _res, next) => {
    if (!reachesEffect(req)) return next();
    const origin = req.get("origin");
    if (origin !== undefined && allowedOrigins.has(origin)) return next();
    const site = req.get("sec-fetch-site");
    if (site === "cross-site" || site === "same-site") {
      return next(
        crossSiteProblem(
          `Refused a request a web page of another site made (Sec-Fetch-Site: ${site}` +
            `${origin ? `, Origin: ${origin.slice(0, 200)}` : ""}): pages may not change anything on this service.`,
          "sec-fetch-site",
        ),
      );
    }
    if (origin !== undefined && !isOwnOrigin(origin, req.headers.host)) {
      return next(
        crossSiteProblem(
          `Refused a request from the web page origin ${origin.slice(0, 200)}: it is neither this service nor in ` +
            "ALLOWED_ORIGINS, and pages may not change anything on this service.",
          "origin",
        ),
      );
    }
    next();
  };

  return { host, jsonBodies, crossSite };
}

function crossSiteProblem(detail: string, header: "origin" | "sec-fetch-site"): HttpProblem {
  return new HttpProblem(
    COMMON_PROBLEMS["cross-site-request"],
    `${detail} Programs (curl, Postman, scripts) send no such header; a dashboard that must call this service goes in ` +
      "ALLOWED_ORIGINS.",
    { errors: [{ location: "header", field: header, message: "another site's page" }] },
  );
}

/** A body is on its way when it is chunked or announced with a length above zero. */
function hasBody(req: Request): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}
