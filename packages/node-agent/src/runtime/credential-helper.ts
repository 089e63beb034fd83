import { execFile } from "node:child_process";

/** What a docker-credential-* helper answers to `get` (docker-credential-helpers protocol). */
interface HelperAnswer {
  ServerURL?: string;
  Username?: string;
  Secret?: string;
}

export type HelperCredentials = { username: string; password: string } | { identitytoken: string };

/** The helper failed in a way that must not be mistaken for "no credentials". */
export class CredentialHelperError extends Error {
  constructor(helper: string, reason: string) {
    super(`credential helper docker-credential-${helper}: ${reason}`);
    this.name = "CredentialHelperError";
  }
}

const HELPER_TIMEOUT_MS = 10_000;
const NOT_FOUND = /credentials not found/i;

/**
 * Asks `docker-credential-<helper> get` for a server's credentials, as the docker CLI does for
 * `credsStore`/`credHelpers` (github.com/docker/docker-credential-helpers, client.Get): the server URL
 * on stdin, JSON on stdout; "<token>" as user name means an identity token. undefined when it has none.
 */
export function askCredentialHelper(helper: string, serverUrl: string): Promise<HelperCredentials | undefined> {
  if (!/^[\w.-]+$/.test(helper)) return Promise.reject(new CredentialHelperError(helper, "is not a valid helper name"));
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { timeout: HELPER_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) {
        const output = `${stdout}${stderr}`.trim();
        if (NOT_FOUND.test(output)) return resolve(undefined);
        const code = (err as NodeJS.ErrnoException).code;
        return reject(
          new CredentialHelperError(helper, code === "ENOENT" ? "is not installed (not on PATH)" : output || err.message),
        );
      }
      let answer: HelperAnswer;
      try {
        answer = JSON.parse(stdout) as HelperAnswer;
      } catch {
        // Not quoted: the answer carries the secret.
        return reject(new CredentialHelperError(helper, `answered ${stdout.length} characters that are not JSON`));
      }
      if (!answer.Secret) return resolve(undefined);
      resolve(
        answer.Username === "<token>"
          ? { identitytoken: answer.Secret }
          : { username: answer.Username ?? "", password: answer.Secret },
      );
    });
    // A helper that exits without reading stdin (or is missing) breaks the pipe: its outcome is the callback's, not a crash.
    child.stdin?.on("error", () => {});
    child.stdin?.end(serverUrl);
  });
}
