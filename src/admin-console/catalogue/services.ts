import { Hono, type Context } from "hono";
import { parseInput } from "../../core/validate.ts";
import { Validation } from "../../core/errors.ts";
import { readWholeNumber, plainNumber } from "../../core/form-number.ts";
import type { AppEnv } from "../../http/env.ts";
import { ctxOf } from "../../http/env.ts";
import { parsePercent } from "../../money/money.ts";
import { adminServicesQuery, serviceBulkUpdate, serviceUpdate } from "../../catalog/schema.ts";
import { adminServiceTypes, getAdminService, listAdminCategories, listAdminServices, setServicesActive, updateAdminService } from "../../catalog/service.ts";
import { platformMarginBp } from "../../catalog/reprice.ts";
import { categoryNameIn } from "../../catalog/category-names.ts";
import { listAdminProviders } from "../../providers/service.ts";
import { requireCsrf } from "../../storefront/csrf.ts";
import { displayMoney, displayPercent } from "../../storefront/format.ts";
import type { Storefront } from "../../storefront/respond.ts";
import { paginationView } from "../../storefront/view.ts";
import { consolePage, type ConsoleFormat } from "../frame.ts";
import { doneNotice, fieldErrors, formOf, translated, type Errors, type Fields } from "./forms.ts";

const FILTERS = ["search", "category_id", "provider_id", "is_active", "type"] as const;
const DONE = ["saved", "activated", "deactivated"] as const;

/** The list's filters from the URL: what the admin query accepts; anything it refuses is dropped. */
function listQuery(raw: Record<string, string>) {
  const wanted = Object.fromEntries(Object.entries(raw).filter(([k, v]) => [...FILTERS, "page"].includes(k) && v !== ""));
  const parsed = adminServicesQuery.safeParse({ ...wanted, per_page: "25" });
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return parseInput(adminServicesQuery, { ...Object.fromEntries(Object.entries(wanted).filter(([k]) => !bad.has(k))), per_page: "25" });
}

/** A percentage typed in the form ("12,5", "12.5 %") → basis points; "" → the platform margin. */
function marginOf(text: string | undefined): number | null {
  const s = (text ?? "").trim();
  if (s === "") return null;
  const bp = parsePercent(plainNumber(s.replace(/%$/, "").trim()));
  if (bp === null) throw new Validation({ margin_bp: ["A percentage such as 12.5"] });
  return bp;
}

function serviceInput(fields: Fields) {
  const whole = (name: "min" | "max") => {
    const n = readWholeNumber(fields[name] ?? "");
    if (n === null) throw new Validation({ [name]: ["A whole number"] });
    return n;
  };
  const errors: Errors = {};
  const read = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      Object.assign(errors, err.details as Errors);
      return undefined;
    }
  };
  const min = read(() => whole("min"));
  const max = read(() => whole("max"));
  const margin_bp = read(() => marginOf(fields.margin));
  const category_id = readWholeNumber(fields.category_id ?? "");
  if (Object.keys(errors).length) throw new Validation(errors);
  return parseInput(serviceUpdate, {
    name: fields.name ?? "",
    name_fr: fields.name_fr ?? "",
    name_en: fields.name_en ?? "",
    description_fr: fields.description_fr ?? "",
    description_en: fields.description_en ?? "",
    category_id: category_id ?? 0,
    min,
    max,
    margin_bp,
    is_active: fields.is_active === "1",
  });
}

const SERVICE_WORDS = {
  name: "admin.cat.error.name",
  name_fr: "admin.cat.error.text",
  name_en: "admin.cat.error.text",
  description_fr: "admin.cat.error.text",
  description_en: "admin.cat.error.text",
  category_id: "admin.cat.error.category",
  min: "admin.cat.error.min",
  max: "admin.cat.error.max",
  margin_bp: "admin.cat.error.margin",
  is_active: "admin.cat.error.removed",
} as const;

/** Catalogue › Services: the list with its filters, a service's page, switching several on or off. */
export function serviceConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/catalogue", (c) =>
    consolePage(c, sf, { id: "admin-services", section: "catalogue", heading: "admin.cat.services_title" }, async (f) => {
      const ctx = ctxOf(c);
      const q = listQuery(c.req.query());
      const [page, categories, providers, types, margin] = await Promise.all([
        listAdminServices(ctx, q),
        listAdminCategories(ctx),
        listAdminProviders(ctx),
        adminServiceTypes(ctx),
        platformMarginBp(ctx),
      ]);
      const url = new URL(c.req.url);
      const keep = new URLSearchParams([...url.searchParams].filter(([k, v]) => (FILTERS as readonly string[]).includes(k) && v));
      const options = (list: { id: number; name: string }[], chosen: number | undefined) =>
        list.map((o) => ({ value: String(o.id), label: o.name, selected: o.id === chosen }));
      return {
        filters: {
          search: q.search ?? "",
          categories: options(
            categories.map((k) => ({ id: k.id, name: categoryNameIn(f.lang, k) })),
            q.category_id,
          ),
          providers: options(providers, q.provider_id),
          types: types.map((t) => ({ value: t, label: t, selected: t === q.type })),
          active: [
            { value: "1", label: f.tx("admin.cat.active"), selected: q.is_active === true },
            { value: "0", label: f.tx("admin.cat.inactive"), selected: q.is_active === false },
          ],
        },
        total: page.total,
        back: keep.size ? `/admin/catalogue?${keep}` : "/admin/catalogue",
        services: page.rows.map((s) => ({
          id: s.id,
          href: `/admin/catalogue/services/${s.id}`,
          name: s.name,
          category: categoryNameIn(f.lang, { name: s.category_name, name_fr: s.category_name_fr, name_en: s.category_name_en }),
          provider: s.provider_label ?? "—",
          type: s.type,
          rate: displayMoney(Number(s.rate), f.currency, f.lang),
          margin: displayPercent(s.margin_bp ?? margin, f.lang),
          ownMargin: s.margin_bp !== null,
          active: Boolean(s.is_active),
          removed: s.provider_removed_at !== null,
        })),
        pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), url.pathname, keep),
        done: doneNotice(f, c.req.query("done"), DONE),
        counted: c.req.query("n") ?? null,
      };
    }),
  );

  const servicePage = (c: Context<AppEnv>, id: number, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-service", section: "catalogue", heading: "admin.cat.service_title", status: state.status }, async (f: ConsoleFormat) => {
      const ctx = ctxOf(c);
      const [s, categories, margin] = await Promise.all([getAdminService(ctx, id), listAdminCategories(ctx), platformMarginBp(ctx)]);
      const v = state.values;
      const category = v ? Number(v.category_id) : s.category_id;
      return {
        id: s.id,
        action: `/admin/catalogue/services/${s.id}`,
        providerName: s.provider_name ?? s.name,
        provider: `${s.provider_label ?? "—"} · #${s.provider_service_id}`,
        type: s.type,
        providerRate: `${displayMoney(Number(s.provider_rate), s.provider_currency ?? f.currency, f.lang)}`,
        baseRate: displayMoney(Number(s.base_rate), f.currency, f.lang),
        rate: displayMoney(Number(s.rate), f.currency, f.lang),
        platformMargin: displayPercent(margin, f.lang),
        bounds: s.provider_min !== null && s.provider_max !== null ? `${s.provider_min} – ${s.provider_max}` : null,
        removed: s.provider_removed_at !== null,
        categories: categories.map((k) => ({ value: String(k.id), label: categoryNameIn(f.lang, k), selected: k.id === category })),
        form: {
          name: v?.name ?? s.name,
          name_fr: v?.name_fr ?? s.name_fr ?? "",
          name_en: v?.name_en ?? s.name_en ?? "",
          description_fr: v?.description_fr ?? s.description_fr ?? "",
          description_en: v?.description_en ?? s.description_en ?? "",
          min: v?.min ?? String(s.min),
          max: v?.max ?? String(s.max),
          margin: v?.margin ?? (s.margin_bp === null ? "" : displayPercent(s.margin_bp, f.lang).replace(/\s*%$/, "")),
          active: v ? v.is_active === "1" : Boolean(s.is_active),
        },
        errors: translated(f, state.errors),
        done: doneNotice(f, c.req.query("done"), DONE),
      };
    });

  app.get("/admin/catalogue/services/:id{[0-9]+}", (c) => servicePage(c, Number(c.req.param("id"))));
  app.post("/admin/catalogue/services/:id{[0-9]+}", requireCsrf, async (c) => {
    const id = Number(c.req.param("id"));
    const { fields } = await formOf(c);
    try {
      await getAdminService(ctxOf(c), id);
      await updateAdminService(ctxOf(c), id, serviceInput(fields));
      return c.redirect(`/admin/catalogue/services/${id}?done=saved`, 303);
    } catch (err) {
      return servicePage(c, id, { values: fields, errors: fieldErrors(err, SERVICE_WORDS, "admin.cat.error.invalid"), status: 422 });
    }
  });

  // Several services at once: a confirmation page (what will change), then the change.
  const chosen = async (c: Context<AppEnv>) => {
    const { fields, ids } = await formOf(c);
    const numbers = ids.map((i) => readWholeNumber(i)).filter((n): n is number => n !== null && n > 0);
    // Back to the list with its filters: only a path of the list itself, never another address.
    const back = /^\/admin\/catalogue(\?[^\s#]*)?$/.test(fields.back ?? "") ? fields.back! : "/admin/catalogue";
    return { fields, ids: numbers, activate: fields.is_active === "1", back };
  };
  app.post("/admin/catalogue/bulk", requireCsrf, async (c) => {
    const { ids, activate, back } = await chosen(c);
    if (ids.length === 0) return c.redirect(back, 303);
    return consolePage(c, sf, { id: "admin-services-bulk", section: "catalogue", heading: "admin.cat.bulk_title" }, async (f) => {
      const rows = await Promise.all(ids.map((id) => getAdminService(ctxOf(c), id).catch(() => null)));
      const services = rows.filter((s) => s !== null);
      return {
        activate,
        back,
        consequence: f.tx(activate ? "admin.cat.bulk_activate_consequence" : "admin.cat.bulk_deactivate_consequence", { count: services.length }),
        services: services.map((s) => ({ id: s.id, name: s.name, removed: activate && s.provider_removed_at !== null })),
      };
    });
  });
  app.post("/admin/catalogue/bulk/confirm", requireCsrf, async (c) => {
    const { ids, activate, back } = await chosen(c);
    if (ids.length === 0) return c.redirect(back, 303);
    const done = await setServicesActive(ctxOf(c), parseInput(serviceBulkUpdate, { ids, is_active: activate }));
    const sep = back.includes("?") ? "&" : "?";
    return c.redirect(`${back}${sep}done=${activate ? "activated" : "deactivated"}&n=${done.updated}`, 303);
  });

  return app;
}
