import { describe, expect, it } from "vitest";
import { escapeHtml } from "./escape.js";

describe("escapeHtml", () => {
  it("escapes the characters that end text or a quoted attribute", () => {
    expect(escapeHtml(`<b> & "double" 'single'`)).toBe("&lt;b&gt; &amp; &quot;double&quot; &#39;single&#39;");
  });

  it("escapes an ampersand once, so entities in names stay literal", () => {
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });

  it("replaces control characters HTML forbids, keeping tabs and newlines", () => {
    expect(escapeHtml("a\u0000b\u001bc\td\ne")).toBe("a\ufffdb\ufffdc\td\ne");
  });
});
