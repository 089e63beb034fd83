// Tiny inference images for the tests, built FROM scratch around Debian's static busybox (nothing is pulled
// from the internet), and pushed to / pulled from the test registries.
import { createHash, randomBytes } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drainProgress, testDocker } from "./engine.js";
import type { RegistryCredentials } from "./registry.js";

const BUSYBOX = process.env.CLARUS_BUSYBOX_BINARY ?? "/bin/busybox";

/** "http" serves a page; "crash" exits at once; "slow-start" waits before it serves. */
export type TestImageVariant = "http" | "crash" | "slow-start";

export interface TestImageOptions {
  /** Text on the index page that tells versions apart; defaults to the reference itself. */
  marker?: string;
  /** Port the server listens on inside the container (env PORT overrides at run time). Default 8080. */
  port?: number;
  /** "slow-start" only: seconds before listening (env START_DELAY overrides at run time). Default 5. */
  startDelaySeconds?: number;
  /** "crash" only: the exit status (env EXIT_CODE overrides at run time). Default 1. */
  exitCode?: number;
  /** Adds a Docker HEALTHCHECK that fetches the index page every second. */
  healthcheck?: boolean;
  /** Extra image labels. */
  labels?: Record<string, string>;
  /** Adds a layer of this many random (incompressible) bytes, so pulls move a realistic amount of data. */
  fillerBytes?: number;
  /** Declares these paths as VOLUMEs: every container of the image gets an anonymous volume for each. */
  volumes?: string[];
}

export interface TestImage {
  ref: string;
  /** The image id (sha256:…); a rebuild with other content gives another id. */
  id: string;
  marker: string;
  /** Internal port the server listens on. */
  port: number;
}

/** Label every test image carries: the reference it was built for, so cleanups find untagged leftovers too. */
export const TEST_IMAGE_REF_LABEL = "clarus.test.ref";
const CONTENT_LABEL = "clarus.test.content";

// One script for every variant, driven by the image's environment, so a test can also change the
// behaviour at run time. PID 1 ignores SIGTERM without a handler, hence the trap: `docker stop` stays fast, unless
// env STOP_DELAY asks for a graceful shutdown of that many seconds (serving meanwhile), as real servers take.
// The index page is "$MARKER $GREETING" (GREETING: any env var a test passes); /env.txt lists the environment,
// /uid.txt the user id the server runs as.
// The pages are written to WWW_DIR, by default under /tmp, the one writable place of a read-only root filesystem;
// WWW_DIR=/www makes it an image that needs a writable root, CHOWN_TO=<uid> one that needs the CHOWN capability.
const START_SCRIPT = `trap '/bin/busybox sleep "\${STOP_DELAY:-0}"; exit 0' TERM INT
if [ "$VARIANT" = crash ]; then
  echo "test image $MARKER: crashing on purpose" >&2
  exit "\${EXIT_CODE:-1}"
fi
if [ "\${START_DELAY:-0}" -gt 0 ]; then
  echo "test image $MARKER: waiting \${START_DELAY}s before listening"
  /bin/busybox sleep "$START_DELAY" &
  wait $!
fi
www="\${WWW_DIR:-/tmp/www}"
/bin/busybox mkdir -p "$www" || exit 1
echo "$MARKER $GREETING" > "$www/index.html"
/bin/busybox env | /bin/busybox sort > "$www/env.txt"
/bin/busybox id -u > "$www/uid.txt"
if [ -n "$CHOWN_TO" ]; then /bin/busybox chown "$CHOWN_TO" "$www/index.html" || exit 1; fi
echo "test image $MARKER: listening on port \${PORT:-8080}"
/bin/busybox httpd -f -p "\${PORT:-8080}" -h "$www" &
wait $!
`;

let busyboxDigest: Promise<string> | undefined;

/**
 * Builds `ref` with the real engine. Idempotent and cheap to repeat: when `ref` already exists locally with
 * the same content (variant, options, script, busybox binary), nothing is built.
 */
export async function buildTestImage(ref: string, variant: TestImageVariant, opts: TestImageOptions = {}): Promise<TestImage> {
  const marker = opts.marker ?? ref;
  const port = opts.port ?? 8080;
  if (/["\\\n$]/.test(marker))
    throw new Error(`test image marker must not contain quotes, backslashes, dollars or newlines: ${marker}`);
  const env: Record<string, string> = {
    VARIANT: variant,
    MARKER: marker,
    PORT: String(port),
    START_DELAY: variant === "slow-start" ? String(opts.startDelaySeconds ?? 5) : "0",
    EXIT_CODE: String(opts.exitCode ?? 1),
  };
  const labels = { ...opts.labels, [TEST_IMAGE_REF_LABEL]: ref };
  const healthcheck = opts.healthcheck
    ? `HEALTHCHECK --interval=1s --timeout=1s --retries=3 CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:${port}/"]\n`
    : "";
  const dockerfile = [
    "FROM scratch",
    // First, so that every build step's image is this reference's own: another test file's build of the same steps,
    // and the removal of another reference's images, never share them. The layers themselves (the same files) are
    // still stored once.
    `LABEL ${JSON.stringify(TEST_IMAGE_REF_LABEL)}=${JSON.stringify(ref)}`,
    "COPY busybox /bin/busybox",
    "COPY start.sh /start.sh",
    ...(opts.fillerBytes ? [`COPY filler-${opts.fillerBytes}.bin /filler.bin`] : []),
    `ENV ${Object.entries(env)
      .map(([key, value]) => `${key}="${value}"`)
      .join(" ")}`,
    `EXPOSE ${port}`,
    ...(opts.volumes?.length ? [`VOLUME ${JSON.stringify(opts.volumes)}`] : []),
    `LABEL ${Object.entries(labels)
      .map(([key, value]) => `${JSON.stringify(key)}=${JSON.stringify(value)}`)
      .join(" ")}`,
    `${healthcheck}ENTRYPOINT ["/bin/busybox", "sh", "/start.sh"]`,
  ].join("\n");

  busyboxDigest ??= readFile(BUSYBOX).then((bytes) => createHash("sha256").update(bytes).digest("hex"));
  const content = createHash("sha256")
    .update(`${await busyboxDigest}\n${START_SCRIPT}\n${dockerfile}`)
    .digest("hex")
    .slice(0, 32);
  const existing = await inspectImage(ref);
  if (existing?.Config?.Labels?.[CONTENT_LABEL] === content) return { ref, id: existing.Id, marker, port };

  const context = await mkdtemp(join(tmpdir(), "clarus-test-image-"));
  try {
    await copyFile(BUSYBOX, join(context, "busybox"));
    await writeFile(join(context, "start.sh"), START_SCRIPT);
    const files = ["Dockerfile", "busybox", "start.sh"];
    if (opts.fillerBytes) {
      files.push(`filler-${opts.fillerBytes}.bin`);
      await writeFile(join(context, `filler-${opts.fillerBytes}.bin`), randomBytes(opts.fillerBytes));
    }
    await writeFile(join(context, "Dockerfile"), `${dockerfile}\nLABEL ${CONTENT_LABEL}="${content}"\n`);
    await buildOnce(context, files, ref).catch((error: Error) => {
      // The legacy builder races on a shared engine: a cached step's image that another build or cleanup removed
      // between lookup and use fails the build once; the rebuild recreates it.
      if (!/unable to find image/.test(error.message)) throw error;
      return buildOnce(context, files, ref);
    });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  const built = await inspectImage(ref);
  if (!built) throw new Error(`test image ${ref} is missing right after its build`);
  return { ref, id: built.Id, marker, port };
}

async function buildOnce(context: string, files: string[], ref: string): Promise<void> {
  const stream = await testDocker.buildImage({ context, src: files }, { t: ref, rm: true });
  await drainProgress(stream, `building test image ${ref}`);
}

async function inspectImage(ref: string) {
  try {
    return await testDocker.getImage(ref).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

function authConfig(ref: string, auth?: RegistryCredentials) {
  // The engine rejects a push without an X-Registry-Auth header, so anonymous calls send an empty one.
  return auth ? { username: auth.username, password: auth.password, serveraddress: ref.split("/")[0] } : {};
}

/**
 * Pushes a local image to its registry and answers the manifest digest the registry stored (what a swarm service is
 * pinned to); rejects with the registry's reason (e.g. auth refused).
 */
export async function pushImage(ref: string, auth?: RegistryCredentials): Promise<string> {
  const stream = await testDocker.getImage(ref).push({ authconfig: authConfig(ref, auth) });
  const events = (await drainProgress(stream, `pushing ${ref}`)) as Array<{ aux?: { Digest?: string } }>;
  const digest = events.find((event) => event.aux?.Digest)?.aux?.Digest;
  if (!digest) throw new Error(`pushing ${ref}: the engine reported no digest`);
  return digest;
}

/** Pulls an image from its registry; rejects with the registry's reason. */
export async function pullImage(ref: string, auth?: RegistryCredentials): Promise<void> {
  const stream = await testDocker.pull(ref, { authconfig: authConfig(ref, auth) });
  await drainProgress(stream, `pulling ${ref}`);
}

/** Removes a local image tag (forced, parents kept: other builds may use them); an absent image is fine. */
export async function removeImage(ref: string): Promise<void> {
  try {
    await testDocker.getImage(ref).remove({ force: true, noprune: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}
