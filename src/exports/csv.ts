/** One CSV cell as Excel and LibreOffice read it: quoted when needed, and a formula-looking text made inert. */
function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // A text a customer typed ("=HYPERLINK(…)", "+1…") must not run as a formula; a plain number stays a number.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line, CRLF-terminated (RFC 4180). */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** Excel reads a file as UTF-8 only when it starts with the byte order mark. */
export const UTF8_BOM = "\uFEFF";
