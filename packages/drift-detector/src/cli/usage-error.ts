/** A problem the user can fix; printed without a stack trace. */
export class UsageError extends Error {}

/** A file system error in the words a user needs. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES") return "permission denied";
  return (error as Error).message;
}
