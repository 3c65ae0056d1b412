/** True for a duplicate key on either dialect (MySQL ER_DUP_ENTRY, SQLite UNIQUE/PRIMARY KEY constraint). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string; errcode?: number };
  if (e?.code === "ER_DUP_ENTRY" || e?.errno === 1062) return true;
  if (e?.errcode === 2067 || e?.errcode === 1555) return true;
  return typeof e?.message === "string" && /UNIQUE constraint failed|PRIMARY KEY constraint failed/.test(e.message);
}
