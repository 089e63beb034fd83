import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkReportTarget, writeReportFile } from "./report-file.js";
import { UsageError } from "./usage-error.js";

const work = mkdtempSync(join(tmpdir(), "clarus-report-file-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("writeReportFile", () => {
  it("writes the report and leaves no temporary file", async () => {
    const out = join(work, "plain.html");
    await writeReportFile(out, "<p>report</p>");
    expect(readFileSync(out, "utf8")).toBe("<p>report</p>");
    expect(readdirSync(work).filter((name) => name.endsWith(".partial"))).toEqual([]);
  });

  it("never writes through a link planted at the old temporary name or at the report's own name", async () => {
    const victim = join(work, "victim.txt");
    writeFileSync(victim, "precious");
    const out = join(work, "linked.html");
    symlinkSync(victim, `${out}.partial`);
    symlinkSync(victim, out);
    await writeReportFile(out, "<p>report</p>");
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(readlinkSync(`${out}.partial`)).toBe(victim);
    expect(lstatSync(out).isFile()).toBe(true);
    expect(readFileSync(out, "utf8")).toBe("<p>report</p>");
  });

  it("names the path and the reason when it cannot write, and leaves nothing behind", async () => {
    if (process.getuid?.() === 0) {
      // root writes into read-only folders: a folder in place of the file makes the rename fail instead.
      const out = join(work, "taken");
      mkdirSync(join(out, "inside"), { recursive: true });
      const error = await writeReportFile(out, "x").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(new RegExp(`^${out}: cannot write the report: `));
    } else {
      const folder = join(work, "read-only");
      mkdirSync(folder);
      chmodSync(folder, 0o500);
      await expect(writeReportFile(join(folder, "r.html"), "x")).rejects.toThrow("permission denied");
    }
    // The planted link of the test above stays; nothing else is left.
    expect(readdirSync(work).filter((name) => name.endsWith(".partial"))).toEqual(["linked.html.partial"]);
  });
});

describe("checkReportTarget", () => {
  it("refuses a missing folder and a folder given as the file", async () => {
    const absent = join(work, "no-such-folder", "r.html");
    await expect(checkReportTarget(absent)).rejects.toThrow(
      `${absent}: cannot write the report: folder ${join(work, "no-such-folder")} does not exist`,
    );
    await expect(checkReportTarget(work)).rejects.toThrow(`${work}: cannot write the report: it is a folder`);
    await expect(checkReportTarget(join(work, "fine.html"))).resolves.toBeUndefined();
  });
});
