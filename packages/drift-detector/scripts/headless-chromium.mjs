// Drives the system Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: NUL-separated
// JSON on file descriptors 3 and 4, as Puppeteer does), so it needs no WebSocket (absent from Node 20)
// and no browser download. Used by the report's Chromium test and the screenshot script.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const COMMAND_TIMEOUT_MS = 60_000;

/** True when the Chromium executable is present. */
export function chromiumAvailable() {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Starts headless Chromium with a fresh profile. Every network attempt goes to a dead loopback proxy
 * and host names do not resolve, so a page that tries to load anything fails loudly and sends nothing.
 * `loopbackHosts` (e.g. ["127.0.0.1", "127.0.0.2"]) are the exceptions a test serves pages on: Chromium never
 * proxies loopback addresses, and these are left out of the resolver rule.
 * @param {{ loopbackHosts?: string[] }} [options]
 * @returns {Promise<{ openPage: (url: string, options?: PageOptions) => Promise<Page>, close: () => Promise<void> }>}
 */
export async function launchChromium({ loopbackHosts = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "clarus-chromium-"));
  const child = spawn(
    CHROMIUM_PATH,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--disable-default-apps",
      "--hide-scrollbars",
      "--proxy-server=127.0.0.1:9",
      `--host-resolver-rules=${["MAP * ~NOTFOUND", ...loopbackHosts.map((host) => `EXCLUDE ${host}`)].join(", ")}`,
      "--remote-debugging-pipe",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
  );
  let stderrTail = "";
  child.stderr.on("data", (chunk) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  const [, , , toBrowser, fromBrowser] = child.stdio;
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  let exited = false;
  const failAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  child.on("exit", (code, signal) => {
    exited = true;
    failAll(new Error(`chromium exited (code ${code}, signal ${signal}); last output:\n${stderrTail}`));
  });
  child.on("error", (error) => failAll(error));
  let buffered = "";
  fromBrowser.setEncoding("utf8");
  fromBrowser.on("data", (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf("\0"); end >= 0; end = buffered.indexOf("\0")) {
      const message = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(`${waiter.method}: ${message.error.message}`));
        else waiter?.resolve(message.result);
      } else {
        for (const listener of listeners) listener(message);
      }
    }
  });

  /** Sends one protocol command, to the browser or (with sessionId) to one page. */
  const send = (method, params = {}, sessionId = undefined) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`chromium is not running; last output:\n${stderrTail}`));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer from chromium within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      pending.set(id, {
        method,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      toBrowser.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  try {
    await send("Browser.getVersion");
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }

  /**
   * @typedef {{ width?: number, height?: number, scriptsDisabled?: boolean }} PageOptions
   * @typedef {{ requests: string[], responses: { url: string, status: number }[], errors: string[], loadMs: number,
   *   evaluate: (expression: string) => Promise<unknown>,
   *   screenshot: (clip?: { x: number, y: number, width: number, height: number }) => Promise<Buffer>,
   *   timings: () => Promise<{ layoutMs: number, styleMs: number, scriptMs: number, taskMs: number }>,
   *   emulateMedia: (media: "print" | "screen") => Promise<void> }} Page
   */
  const openPage = async (url, { width = 1280, height = 900, scriptsDisabled = false } = {}) => {
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
    const requests = [];
    const responses = [];
    const errors = [];
    let loaded;
    const loadedOnce = new Promise((resolve) => {
      loaded = resolve;
    });
    listeners.add((message) => {
      if (message.sessionId !== sessionId) return;
      const { method, params } = message;
      if (method === "Network.requestWillBeSent") requests.push(params.request.url);
      else if (method === "Network.responseReceived")
        responses.push({ url: params.response.url, status: params.response.status });
      else if (method === "Runtime.exceptionThrown")
        errors.push(`exception: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
      else if (method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert")) {
        errors.push(`console.${params.type}: ${params.args.map((arg) => arg.value ?? arg.description).join(" ")}`);
      } else if (method === "Log.entryAdded" && params.entry.level === "error")
        errors.push(`${params.entry.source}: ${params.entry.text}`);
      else if (method === "Page.loadEventFired") loaded();
    });
    for (const domain of ["Page", "Runtime", "Log", "Network", "Performance"]) await send(`${domain}.enable`, {}, sessionId);
    await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
    if (scriptsDisabled) await send("Emulation.setScriptExecutionDisabled", { value: true }, sessionId);
    const started = performance.now();
    const navigation = await send("Page.navigate", { url }, sessionId);
    if (navigation.errorText) throw new Error(`cannot open ${url}: ${navigation.errorText}`);
    await loadedOnce;
    // Layout of the whole document is done when its metrics can be read.
    await send("Page.getLayoutMetrics", {}, sessionId);
    const loadMs = performance.now() - started;
    return {
      requests,
      responses,
      errors,
      loadMs,
      async evaluate(expression) {
        const { result, exceptionDetails } = await send(
          "Runtime.evaluate",
          { expression, returnByValue: true, awaitPromise: true },
          sessionId,
        );
        if (exceptionDetails)
          throw new Error(`evaluate failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
        return result.value;
      },
      async screenshot(clip) {
        const { data } = await send(
          "Page.captureScreenshot",
          { format: "png", captureBeyondViewport: clip !== undefined, ...(clip ? { clip: { ...clip, scale: 1 } } : {}) },
          sessionId,
        );
        return Buffer.from(data, "base64");
      },
      /** Chromium's cumulative main-thread timings for this page, in milliseconds. */
      async timings() {
        const { metrics } = await send("Performance.getMetrics", {}, sessionId);
        const seconds = (name) => metrics.find((metric) => metric.name === name)?.value ?? 0;
        return {
          layoutMs: seconds("LayoutDuration") * 1000,
          styleMs: seconds("RecalcStyleDuration") * 1000,
          scriptMs: seconds("ScriptDuration") * 1000,
          taskMs: seconds("TaskDuration") * 1000,
        };
      },
      async emulateMedia(media) {
        await send("Emulation.setEmulatedMedia", { media }, sessionId);
      },
    };
  };

  const close = async () => {
    if (!exited) {
      await send("Browser.close").catch(() => {});
      const gone = new Promise((resolve) => child.once("exit", resolve));
      const stuck = setTimeout(() => child.kill("SIGKILL"), 5000);
      if (!exited) await gone;
      clearTimeout(stuck);
    }
    rmSync(profile, { recursive: true, force: true });
  };
  return { openPage, close };
}
