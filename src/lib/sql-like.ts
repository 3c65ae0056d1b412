import { sql, type RawBuilder } from "kysely";

/**
 * `column LIKE '%search%'` with the search's own % and _ taken literally. "!" escapes them the same
 * way in both dialects (SQLite has no default escape character).
 */
export function likeContaining(search: string): (column: string) => RawBuilder<boolean> {
  const pattern = `%${search.replace(/[!%_]/g, (ch) => `!${ch}`)}%`;
  return (column) => sql<boolean>`${sql.ref(column)} like ${pattern} escape '!'`;
}
