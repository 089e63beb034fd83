// Runs the built CLI in this process and reports its peak RSS on exit, for drift-bench.mjs:
//   node measure-cli.mjs REF.csv NEW.csv --json
import { writeSync } from "node:fs";

process.on("exit", () => {
  // resourceUsage().maxRSS is in KiB, like Python's ru_maxrss on Linux.
  writeSync(2, `\nBENCH_MAX_RSS_KIB=${process.resourceUsage().maxRSS}\n`);
});
process.argv.splice(1, 1, new URL("../dist/cli.js", import.meta.url).pathname);
await import("../dist/cli.js");
