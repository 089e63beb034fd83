import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { RunOwner } from "./run-record.js";

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (starttime), counted after the command name, which may itself hold spaces and parentheses. */
function startTicks(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

/** A process of this machine (this one by default), as a run record names its owner. */
export function currentOwner(pid: number = process.pid): RunOwner {
  const bootId = readProc("/proc/sys/kernel/random/boot_id");
  const ticks = startTicks(pid);
  return { pid, ...(bootId ? { boot_id: bootId } : {}), ...(ticks ? { start_ticks: ticks } : {}), host: hostname() };
}

/**
 * Whether the process that owns a run still exists. Boot id + pid + start time name one process for the life of a
 * machine: a pid reused after a restart (pid 1 in every new container) has another start time. Without /proc
 * (not Linux) only the pid can be probed.
 */
export function ownerAlive(owner: RunOwner, self: RunOwner = currentOwner()): boolean {
  if (owner.boot_id && self.boot_id) {
    if (owner.boot_id !== self.boot_id) return false;
    return owner.start_ticks !== undefined && startTicks(owner.pid) === owner.start_ticks;
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}
