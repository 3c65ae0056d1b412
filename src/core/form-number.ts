/**
 * Numbers as people type them in a form, read once for every form: French grouping ("10 000", with
 * a space, a no-break space or a narrow no-break space between groups of three) and the decimal
 * comma ("12,5"), a trailing "%" kept. The result is plain text for the caller's own parser ("10000", "12.5"); anything
 * it does not recognise comes back trimmed, for that parser to refuse.
 */
const GROUP = /[ \u00a0\u202f\u2009]/g;
const TYPED = /^(-?)(\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|\d+)(?:[.,](\d+))?$/;

export function plainNumber(text: string): string {
  const s = text.trim();
  // A percentage keeps its sign: "12,5 %" → "12.5%".
  if (s.endsWith("%")) return `${plainNumber(s.slice(0, -1))}%`;
  const m = TYPED.exec(s);
  if (!m) return s;
  const whole = m[2]!.replace(GROUP, "");
  return m[3] === undefined ? `${m[1]}${whole}` : `${m[1]}${whole}.${m[3]}`;
}

const WHOLE = /^-?\d{1,16}$/;

/**
 * A whole number sent as a JSON integer or typed in a form ("10 000" too), else null: never true as
 * 1, [7] as 7, "" as 0, "1e3" as 1000, "0x10" as 16 or "12,5" as 12.
 */
export function readWholeNumber(raw: unknown): number | null {
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? raw : null;
  if (typeof raw !== "string") return null;
  const s = plainNumber(raw);
  if (!WHOLE.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}
