import { Hono, type Context } from "hono";
import { Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { csvResponse } from "../exports/response.ts";
import { EXPORT_KINDS, EXPORT_STATUSES, exportFilters, type ExportKind } from "../exports/service.ts";
import type { Storefront } from "../storefront/respond.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";
import { orderStatusLabel } from "./labels.ts";

type Fields = Record<string, string>;

const statusLabel = (f: ConsoleFormat, kind: ExportKind, status: string) =>
  kind === "orders" ? orderStatusLabel(f, status) : f.tx(`admin.exports.st.${status}` as MessageKey);

/** The filters a download was asked with, as typed: only the ones an export reads, empty ones dropped. */
function filtersOf(c: Context<AppEnv>): Fields {
  return Object.fromEntries(Object.entries(c.req.query()).filter(([k, v]) => ["from", "to", "status"].includes(k) && v !== ""));
}

/** The Exports section: one form per export (dates and status in the URL), the download streamed by the exports verb. */
export function exportsConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const exportsPage = (c: Context<AppEnv>, state: { kind?: ExportKind; values?: Fields; errors?: Record<string, MessageKey>; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-exports", section: "exports", heading: "admin.exports.title", status: state.status }, async (f) => ({
      kinds: EXPORT_KINDS.map((kind) => {
        const mine = state.kind === kind;
        const values = mine ? (state.values ?? {}) : {};
        return {
          kind,
          label: f.tx(`admin.exports.kind.${kind}`),
          action: `/admin/exports/${kind}.csv`,
          from: values.from ?? "",
          to: values.to ?? "",
          statuses: EXPORT_STATUSES[kind].map((s) => ({ value: s, label: statusLabel(f, kind, s), selected: values.status === s })),
          errors: mine ? Object.fromEntries(Object.entries(state.errors ?? {}).map(([k, m]) => [k, f.tx(m)])) : {},
        };
      }),
    }));

  app.get("/admin/exports", (c) => exportsPage(c));

  for (const kind of EXPORT_KINDS)
    app.get(`/admin/exports/${kind}.csv`, async (c) => {
      const values = filtersOf(c);
      try {
        return await csvResponse(ctxOf(c), kind, parseInput(exportFilters, values));
      } catch (err) {
        if (!(err instanceof Validation)) throw err;
        const words: Record<string, MessageKey> = { from: "admin.exports.error.from", to: "admin.exports.error.to", status: "admin.exports.error.status" };
        const errors = Object.fromEntries(Object.keys(err.details ?? {}).map((k) => [k, words[k] ?? "admin.exports.error.status"]));
        return exportsPage(c, { kind, values, errors, status: 422 });
      }
    });

  return app;
}
