const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Makes user-controlled text (column names, category labels, paths) safe as HTML/SVG element
 * content and as a quoted attribute value. C0 control characters other than tab, newline and
 * carriage return are not allowed in HTML text, so they become U+FFFD.
 */
export function escapeHtml(text: string): string {
  return (
    text
      .replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what is replaced
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "\ufffd")
  );
}
