import { Hono, type Context } from "hono";
import { parseInput } from "../../core/validate.ts";
import { NotFound } from "../../core/errors.ts";
import { idParam } from "../../core/params.ts";
import { plainNumber } from "../../core/form-number.ts";
import type { AppEnv } from "../../http/env.ts";
import { ctxOf } from "../../http/env.ts";
import type { MessageKey } from "../../i18n/i18n.ts";
import { UUID_SEGMENT } from "../../lib/uuid.ts";
import { formatMoney } from "../../money/money.ts";
import { providerCreate, providerUpdate } from "../../providers/schema.ts";
import { createAdminProvider, listAdminProviders, updateAdminProvider } from "../../providers/service.ts";
import { testProviderConnection, type ConnectionTest } from "../../providers/connection.ts";
import { notSelling } from "../../providers/selling.ts";
import { recentSyncRuns, startSyncRun, syncRun, type SyncRun } from "../../catalog/sync-runs.ts";
import { requireCsrf } from "../../storefront/csrf.ts";
import { displayDate, displayMoney } from "../../storefront/format.ts";
import type { Storefront } from "../../storefront/respond.ts";
import { consolePage, type ConsoleFormat } from "../frame.ts";
import { doneNotice, fieldErrors, formOf, translated, type Errors, type Fields } from "./forms.ts";

const DONE = ["provider_saved", "provider_created"] as const;
const WORDS: Partial<Record<string, MessageKey>> = {
  name: "admin.cat.error.provider_name",
  url: "admin.cat.error.url",
  key: "admin.cat.error.key",
  currency: "admin.cat.error.currency",
  exchange_rate: "admin.cat.error.exchange_rate",
  _: "admin.cat.error.sync_running",
};

type Provider = Awaited<ReturnType<typeof listAdminProviders>>[number];

/** A provider's balance in its currency, or "not read yet". */
function balanceText(f: ConsoleFormat, p: Provider): string {
  if (p.balance === null) return f.tx("admin.cat.balance_unknown");
  return displayMoney(Number(p.balance), p.balance_currency ?? p.currency, f.lang);
}

/** The form's fields as the provider schema reads them: an empty key keeps the stored one. */
function providerInput(fields: Fields, managed: boolean) {
  const rate = (fields.exchange_rate ?? "").trim();
  return {
    name: fields.name ?? "",
    ...(managed ? {} : { url: fields.url ?? "", currency: fields.currency ?? "" }),
    ...(!managed && (fields.key ?? "").trim() !== "" ? { key: fields.key } : {}),
    ...(rate === "" ? {} : { exchange_rate: plainNumber(rate) }),
    is_active: fields.is_active === "1",
  };
}

/** A connection test in words: the balance and the catalogue, or what went wrong with each. */
function testWords(f: ConsoleFormat, t: ConnectionTest, currency: string) {
  const failed = (o: { kind: string; cause: string | null; message: string }) =>
    f.tx(o.cause ? (`admin.cat.test.cause.${o.cause}` as MessageKey) : (`admin.cat.test.kind.${o.kind}` as MessageKey), { message: o.message });
  return {
    ok: t.balance.ok && t.services.ok,
    balance: t.balance.ok
      ? f.tx("admin.cat.test.balance_ok", { amount: displayMoney(t.balance.amount, t.balance.currency ?? currency, f.lang) })
      : failed(t.balance),
    services: t.services.ok ? f.tx("admin.cat.test.services_ok", { count: t.services.count, priced: t.services.priced }) : failed(t.services),
  };
}

/** A sync run for its page: progress while it runs, the report once done. */
function runView(f: ConsoleFormat, run: SyncRun) {
  const percent = run.total > 0 ? Math.min(100, Math.floor((run.done * 100) / run.total)) : 0;
  return {
    uuid: run.uuid,
    href: `/admin/catalogue/sync/${run.uuid}`,
    running: run.status === "running",
    failed: run.status === "failed",
    status: f.tx(`admin.cat.run.${run.status}` as MessageKey),
    started: displayDate(run.created_at, f.lang),
    // The sync's own step lines are the CLI's, in English: the page says where it is in its own words.
    progress: run.total > 0 ? f.tx("admin.cat.run.progress", { done: run.done, total: run.total }) : f.tx("admin.cat.run.fetching"),
    percent,
    error: run.error,
    totals: run.report && run.status === "completed" ? f.tx("admin.cat.run.totals", reportCounts(run)) : null,
    providers: (run.report?.providers ?? []).map((p) => ({
      name: p.name,
      counts: f.tx("admin.cat.run.totals", {
        added: p.added,
        updated: p.updated,
        deactivated: p.deactivated,
        reactivated: p.reactivated,
        unchanged: p.unchanged,
      }),
      skipped: p.skipped.map((s) => `${s.service} « ${s.name} » — ${f.tx(`admin.cat.run.skip.${s.reason}` as MessageKey)}`),
      hidden: Object.entries(p.hidden_types).map(([type, n]) => f.tx("admin.cat.run.hidden", { type, count: n })),
      notSelling: p.not_selling,
    })),
    errors: (run.report?.errors ?? []).map((e) => `${e.name} : ${e.message}`),
  };
}

function reportCounts(run: SyncRun) {
  const r = run.report ?? {};
  return { added: r.added ?? 0, updated: r.updated ?? 0, deactivated: r.deactivated ?? 0, reactivated: r.reactivated ?? 0, unchanged: r.unchanged ?? 0 };
}

/** Catalogue › Providers: the list, add, edit (key write-only), test the connection, sync now and follow the run. */
export function providerConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const listPage = (c: Context<AppEnv>, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-providers", section: "catalogue", heading: "admin.cat.providers_title", status: state.status }, async (f) => {
      const ctx = ctxOf(c);
      const [providers, runs] = await Promise.all([listAdminProviders(ctx), recentSyncRuns(ctx, 3)]);
      const v = state.values;
      return {
        providers: providers.map((p) => ({
          id: p.id,
          name: p.name,
          href: `/admin/catalogue/providers/${p.id}`,
          active: Boolean(p.is_active),
          selling: notSelling(p) === null,
          balance: balanceText(f, p),
          services: f.tx("admin.cat.category_services", { count: p.services_count, active: p.active_services_count }),
          lastSync: p.last_sync_at ? displayDate(p.last_sync_at, f.lang) : f.tx("admin.cat.never"),
          error: p.last_error,
        })),
        runs: runs.map((r) => runView(f, r)),
        form: { name: v?.name ?? "", url: v?.url ?? "", currency: v?.currency ?? "USD", exchange_rate: v?.exchange_rate ?? "" },
        errors: translated(f, state.errors),
        done: doneNotice(f, c.req.query("done"), DONE),
      };
    });

  const providerPage = (c: Context<AppEnv>, id: number, state: { values?: Fields; errors?: Errors; test?: ConnectionTest; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-provider", section: "catalogue", heading: "admin.cat.provider_title", status: state.status }, async (f) => {
      const [p] = await listAdminProviders(ctxOf(c), id);
      if (!p) throw new NotFound("Provider not found");
      const v = state.values;
      const keyHint = p.api_key.length >= 16 ? `••••${p.api_key.slice(-4)}` : p.api_key ? "••••" : "";
      return {
        id: p.id,
        action: `/admin/catalogue/providers/${p.id}`,
        managed: p.code !== null,
        balance: balanceText(f, p),
        checked: p.balance_checked_at ? displayDate(p.balance_checked_at, f.lang) : f.tx("admin.cat.never"),
        sellingProblem: notSelling(p) ? f.tx(`admin.cat.not_selling.${notSelling(p)}` as MessageKey) : null,
        error: p.last_error,
        keyHint,
        form: {
          name: v?.name ?? p.name,
          url: v?.url ?? p.url,
          currency: v?.currency ?? p.currency,
          exchange_rate: v?.exchange_rate ?? (Number(p.exchange_rate) > 0 ? formatMoney(Number(p.exchange_rate), 0) : ""),
          active: v ? v.is_active === "1" : Boolean(p.is_active),
        },
        test: state.test ? testWords(f, state.test, p.currency) : null,
        errors: translated(f, state.errors),
        done: doneNotice(f, c.req.query("done"), DONE),
      };
    });

  app.get("/admin/catalogue/providers", (c) => listPage(c));
  app.post("/admin/catalogue/providers", requireCsrf, async (c) => {
    const { fields } = await formOf(c);
    try {
      const rate = (fields.exchange_rate ?? "").trim();
      const p = await createAdminProvider(
        ctxOf(c),
        parseInput(providerCreate, {
          name: fields.name ?? "",
          url: fields.url ?? "",
          key: fields.key ?? "",
          currency: fields.currency ?? "",
          ...(rate === "" ? {} : { exchange_rate: plainNumber(rate) }),
          is_active: true,
        }),
      );
      return c.redirect(`/admin/catalogue/providers/${p.id}?done=provider_created`, 303);
    } catch (err) {
      // The key is never sent back, even to the one who typed it.
      return listPage(c, { values: { ...fields, key: "" }, errors: fieldErrors(err, WORDS, "admin.cat.error.invalid"), status: 422 });
    }
  });

  app.get("/admin/catalogue/providers/:id{[0-9]+}", (c) => providerPage(c, idParam(c.req.param("id"), "Provider")));
  app.post("/admin/catalogue/providers/:id{[0-9]+}", requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Provider");
    const { fields } = await formOf(c);
    try {
      const [p] = await listAdminProviders(ctxOf(c), id);
      await updateAdminProvider(ctxOf(c), id, parseInput(providerUpdate, providerInput(fields, p?.code != null)));
      return c.redirect(`/admin/catalogue/providers/${id}?done=provider_saved`, 303);
    } catch (err) {
      return providerPage(c, id, { values: { ...fields, key: "" }, errors: fieldErrors(err, WORDS, "admin.cat.error.invalid"), status: 422 });
    }
  });
  app.post("/admin/catalogue/providers/:id{[0-9]+}/test", requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Provider");
    return providerPage(c, id, { test: await testProviderConnection(ctxOf(c), id) });
  });

  app.post("/admin/catalogue/sync", requireCsrf, async (c) => {
    const { fields } = await formOf(c);
    const providerId = fields.provider_id ? idParam(fields.provider_id, "Provider") : undefined;
    try {
      const run = await startSyncRun(ctxOf(c), providerId);
      return c.redirect(`/admin/catalogue/sync/${run.uuid}`, 303);
    } catch (err) {
      const errors = fieldErrors(err, WORDS, "admin.cat.error.sync_running");
      return providerId ? providerPage(c, providerId, { errors, status: 409 }) : listPage(c, { errors, status: 409 });
    }
  });

  app.get(`/admin/catalogue/sync/:uuid{${UUID_SEGMENT}}`, async (c) => {
    const run = await syncRun(ctxOf(c), c.req.param("uuid"));
    const res = await consolePage(c, sf, { id: "admin-sync-run", section: "catalogue", heading: "admin.cat.run_title" }, async (f) => runView(f, run));
    // Without script: the browser reloads the page every 2 s while the run goes on.
    if (run.status === "running") res.headers.set("Refresh", "2");
    return res;
  });

  return app;
}
