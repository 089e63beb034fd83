import { randomUUID } from "node:crypto";
import express, { type Express, type Router } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import type { Registry } from "prom-client";
import swaggerUi from "swagger-ui-express";
import { bearerAuth } from "./auth.js";
import { createHttpMetrics } from "./metrics.js";
import { buildOpenApiDocument, type OpenApiInfo } from "./openapi.js";
import { HttpProblem, type ProblemMapping, problemHandler } from "./problem.js";
import { COMMON_PROBLEMS } from "./problem-types.js";
import { createRequestGuard } from "./request-guard.js";
import { expressPath, matchesPath, type Route, routeHandler } from "./route.js";

export interface HttpAppOptions {
  info: OpenApiInfo;
  logger: Logger;
  routes: Route[];
  /** Largest JSON body accepted, e.g. "100kb". */
  bodyLimit?: string;
  /** When set, every non-public route needs `Authorization: Bearer <apiToken>`. */
  apiToken?: string | undefined;
  /** The environment variable the token comes from, named in 401 answers (e.g. `AGENT_API_TOKEN`). */
  apiTokenVariable?: string;
  /** Origins (`scheme://host[:port]`) whose pages may call routes that change state (`ALLOWED_ORIGINS`). */
  allowedOrigins?: readonly string[];
  /** Names the Host header may carry besides localhost, IP addresses and this machine's name (`ALLOWED_HOSTS`). */
  allowedHosts?: readonly string[];
  /** The service's own metrics, served on /metrics with the HTTP and process ones. */
  metricsRegistry?: Registry;
  /** How the service's own errors become problems (its table of problem types). */
  problems?: ProblemMapping;
}

export interface HttpApp {
  app: Express;
  openapi: ReturnType<typeof buildOpenApiDocument>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Headers on every answer: no MIME sniffing, no framing (Swagger UI's buttons must not be clickjacked), no cross-origin embedding. */
const SAFETY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Resource-Policy": "same-origin",
} as const;

/**
 * The Express app both services share: request ids and logs, the request guard (Host without a token, JSON-only
 * bodies, no state change from other sites' pages), JSON bodies with a limit, metrics, OpenAPI + Swagger UI built
 * from the routes' zod schemas, optional bearer auth, problem errors.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { info, logger, routes } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      autoLogging: { ignore: (req) => req.url === "/metrics" || req.url === "/api/ping" },
    }),
  );

  const metrics = createHttpMetrics(info.title, options.metricsRegistry);
  app.use(metrics.middleware);
  app.use((_req, res, next) => {
    res.set(SAFETY_HEADERS);
    next();
  });
  const guard = createRequestGuard({
    apiToken: options.apiToken,
    tokenVariable: options.apiTokenVariable,
    allowedOrigins: options.allowedOrigins,
    allowedHosts: options.allowedHosts,
    routes,
  });
  app.use(guard.host, guard.crossSite, guard.jsonBodies);
  app.use(express.json({ limit: options.bodyLimit ?? "100kb", strict: false, type: "application/json" }));

  const openapi = buildOpenApiDocument(info, routes, { bearerAuth: Boolean(options.apiToken) });
  app.get("/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.use("/swagger", swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: info.title }));

  const auth = options.apiToken ? bearerAuth(options.apiToken, options.apiTokenVariable) : undefined;
  app.get("/metrics", ...(auth ? [auth] : []), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const router: Router = express.Router();
  for (const route of routes) {
    const authenticate = route.auth ?? (route.public ? undefined : auth);
    const handlers = authenticate ? [authenticate, routeHandler(route)] : [routeHandler(route)];
    router[route.method](expressPath(route.path), ...handlers);
  }
  app.use(router);

  app.use((req, _res, next) => {
    const known = routes.some((route) => matchesPath(route, req.path));
    next(
      known
        ? new HttpProblem(COMMON_PROBLEMS["method-not-allowed"], `${req.method} is not allowed on ${req.path}.`)
        : new HttpProblem(COMMON_PROBLEMS["not-found"], `No route ${req.method} ${req.path}; see /swagger for the API.`),
    );
  });
  app.use(problemHandler(logger, options.problems));
  return { app, openapi };
}
