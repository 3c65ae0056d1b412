import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page, type PageInput } from "../core/pagination.ts";
import { t } from "../i18n/i18n.ts";
import type { Lang } from "../i18n/lang.ts";
import { UUID } from "../lib/uuid.ts";
import { toIso } from "../lib/time.ts";
import { moneyText } from "../i18n/money.ts";
import { formatMoney, parseMoney } from "../money/money.ts";
import { forTenant } from "../tenancy/scoped.ts";

interface InvoiceRow {
  id: number;
  uuid: string;
  number: string;
  user_id: number;
  subscription_id: number | null;
  amount: number;
  currency: string;
  status: string;
  issued_at: string;
  data: string | null;
}

export const INVOICE_COLUMNS = ["id", "uuid", "number", "user_id", "subscription_id", "amount", "currency", "status", "issued_at", "data"] as const;

function invoiceData(raw: string | null): Record<string, unknown> {
  try {
    const v = JSON.parse(raw ?? "{}");
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}

const nameOf = (v: unknown) => (v && typeof v === "object" && typeof (v as { name?: unknown }).name === "string" ? (v as { name: string }).name : null);

/** An invoice as the admin API, the reseller API and both invoice pages read it. */
export function invoiceView(r: InvoiceRow, customer: { id: number; username: string; email: string } | null) {
  const data = invoiceData(r.data);
  const text = (k: string) => (typeof data[k] === "string" ? (data[k] as string) : null);
  return {
    id: r.id,
    uuid: r.uuid,
    number: r.number,
    kind: text("kind"),
    amount: formatMoney(r.amount),
    currency: r.currency,
    status: r.status,
    issued_at: toIso(r.issued_at),
    customer,
    site: { uuid: text("site_uuid"), name: text("site_name") },
    plan: nameOf(data.plan),
    from_plan: nameOf(data.from_plan),
    billing_cycle: text("billing_cycle"),
    period_start: text("period_start"),
    period_end: text("period_end"),
  };
}
export type InvoiceView = ReturnType<typeof invoiceView>;

/** The owner's invoices of one of their sites: the site's subscriptions', billed to them. */
function siteInvoices(ctx: Ctx, site: Site) {
  const owner = requireUser(ctx);
  const subs = forTenant(ctx.db, site.id).selectFrom("subscriptions").select("id");
  return ctx.db.selectFrom("invoices").where("user_id", "=", owner.id).where("subscription_id", "in", subs);
}

const buyer = (ctx: Ctx) => {
  const u = requireUser(ctx);
  return { id: u.id, username: u.username, email: u.email };
};

export async function listSiteInvoices(ctx: Ctx, site: Site, page: PageInput): Promise<Page<InvoiceView>> {
  const base = siteInvoices(ctx, site);
  const total = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .select([...INVOICE_COLUMNS])
    .orderBy("id", "desc")
    .limit(page.per_page)
    .offset(offsetOf(page))
    .execute();
  return pageOf(
    rows.map((r) => invoiceView(r, buyer(ctx))),
    Number(total.n),
    page,
  );
}

/** One invoice of the owner's site by uuid; any other invoice is not found. */
export async function siteInvoice(ctx: Ctx, site: Site, uuid: string): Promise<InvoiceView> {
  if (!UUID.test(uuid)) throw new NotFound("Invoice not found");
  const row = await siteInvoices(ctx, site)
    .select([...INVOICE_COLUMNS])
    .where("uuid", "=", uuid.toLowerCase())
    .executeTakeFirst();
  if (!row) throw new NotFound("Invoice not found");
  return invoiceView(row, buyer(ctx));
}

const KINDS = { white_label_purchase: "invoice.kind.purchase", subscription_renewal: "invoice.kind.renewal", plan_change: "invoice.kind.plan_change" } as const;

const day = (iso: string | null, lang: Lang) =>
  iso ? new Date(iso).toLocaleDateString(lang === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : "—";

/**
 * The one printed invoice (the admin console's and the owner's pages): the seller (the platform's
 * name), the buyer, number, date, what was bought, the period and the amount, in `lang`.
 */
export function invoiceSheet(i: InvoiceView, seller: string, lang: Lang) {
  const kind = KINDS[i.kind as keyof typeof KINDS] ?? "invoice.kind.purchase";
  const plan = i.from_plan && i.plan ? `${i.from_plan} → ${i.plan}` : (i.plan ?? "—");
  return {
    seller,
    title: t(lang, "invoice.number", { number: i.number }),
    status: t(lang, i.status === "paid" ? "invoice.paid" : "invoice.unpaid"),
    paid: i.status === "paid",
    facts: [
      { label: t(lang, "invoice.date"), value: day(i.issued_at, lang) },
      { label: t(lang, "invoice.buyer"), value: i.customer ? `${i.customer.username} · ${i.customer.email}` : "—" },
      { label: t(lang, "invoice.kind"), value: t(lang, kind) },
      { label: t(lang, "invoice.site"), value: i.site.name ?? "—" },
      { label: t(lang, "invoice.plan"), value: plan },
      { label: t(lang, "invoice.billing"), value: t(lang, i.billing_cycle === "yearly" ? "invoice.yearly" : "invoice.monthly") },
      { label: t(lang, "invoice.period"), value: `${day(i.period_start, lang)} → ${day(i.period_end, lang)}` },
    ],
    totalLabel: t(lang, "invoice.total"),
    amount: moneyText(parseMoney(i.amount) ?? 0, i.currency, lang),
    note: t(lang, "invoice.paid_from_wallet"),
    print: t(lang, "invoice.print"),
  };
}
