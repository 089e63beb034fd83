import { HtmlValidate } from "html-validate";
import { describe, expect, it } from "vitest";
import { categoricalColumn, resultOf, SAMPLE_META, wineLikeResult } from "../../test/report/sample-results.js";
import { renderHtmlReport } from "./index.js";

/** html-validate's recommended rules: the HTML standard plus accessibility and no inline styles. */
const validator = new HtmlValidate({ extends: ["html-validate:recommended"] });

async function problems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((file) =>
    file.messages.map((message) => `${message.ruleId} (line ${message.line}): ${message.message}`),
  );
}

describe("report HTML validity", () => {
  it("is valid HTML for a typical result", async () => {
    expect(await problems(renderHtmlReport(wineLikeResult(), SAMPLE_META))).toEqual([]);
  });

  it("stays valid with hostile names, empty categories and nothing tested", async () => {
    const hostile = resultOf([categoricalColumn(`</title><p id="x">`, ["", `"><b>`, "&amp;"], [1, 2, 0], [0, 2, 1], 0.4)], {
      columns_only_in_reference: ["<tr>"],
      untested_columns: [{ column: "a\u0000b", reason: "every cell is missing" }],
    });
    expect(await problems(renderHtmlReport(hostile, { ...SAMPLE_META, experimentId: `"'<>` }))).toEqual([]);
    expect(await problems(renderHtmlReport(resultOf([]), SAMPLE_META))).toEqual([]);
  });
});
