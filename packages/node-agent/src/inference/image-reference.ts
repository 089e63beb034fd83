/**
 * Image references as Docker parses them (grammar of github.com/distribution/reference, reference.go):
 * `[domain[:port]/]path[:tag][@digest]`, path components lower-case, tag up to 128 characters.
 */
export interface ImageReference {
  /** Registry host the image is pulled from; Docker Hub is `docker.io`. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/nginx` or `clarus/redwine`. */
  repository: string;
  tag?: string | undefined;
  digest?: string | undefined;
  /** What the engine is asked to pull and run: as written, with `:latest` when neither tag nor digest is given. */
  pullReference: string;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** A registry host in the form used for comparisons: lower-case, every Docker Hub alias as `docker.io`. */
export function canonicalRegistry(host: string): string {
  const lower = host.trim().toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? "docker.io" : lower;
}

/** Parses a reference, or answers why it is not one (in words a caller can act on). */
export function parseImageReference(text: string): ImageReference | { error: string } {
  if (text.trim() !== text || text === "") return { error: "must be an image reference such as registry:5000/model:1.0" };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: `digest "${digest}" is not of the form sha256:<hex>` };
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag))
      return { error: `tag "${tag}" must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"` };
  }
  if (rest.length > MAX_NAME_LENGTH) return { error: `the repository name is longer than ${MAX_NAME_LENGTH} characters` };

  const parts = rest.split("/");
  // Docker's rule (normalize.go splitDockerDomain): the first part is a registry when it has a "." or ":" or is localhost.
  const first = parts[0]!;
  const hasDomain = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasDomain ? first : "docker.io";
  const pathParts = hasDomain ? parts.slice(1) : parts;
  if (hasDomain && !DOMAIN.test(registry)) return { error: `registry "${registry}" is not a valid host[:port]` };
  for (const part of pathParts) {
    if (!PATH_COMPONENT.test(part)) {
      return part.toLowerCase() !== part
        ? { error: `repository names must be lower-case ("${part}")` }
        : { error: `"${part}" is not a valid repository path component (lower-case letters, digits, ".", "_", "-")` };
    }
  }
  const repository = registry === "docker.io" && pathParts.length === 1 ? `library/${pathParts[0]}` : pathParts.join("/");
  return {
    registry: canonicalRegistry(registry),
    repository,
    tag,
    digest,
    pullReference: tag || digest ? text : `${text}:latest`,
  };
}
