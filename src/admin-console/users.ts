import { Hono, type Context } from "hono";
import { staffMay } from "../auth/roles.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import { describeDevice } from "../account/device.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { formatMoney } from "../money/money.ts";
import { listAdminOrders } from "../orders/admin.ts";
import { adminOrdersQuery } from "../orders/schema.ts";
import { listLedger } from "../staff/finance/service.ts";
import { listUserPrices } from "../staff/users/prices.ts";
import { userApiKeys, userReferrals, userSessions } from "../staff/users/profile.ts";
import { usersQuery } from "../staff/users/schema.ts";
import { listUsers, userOfTenant, userStats } from "../staff/users/service.ts";
import { staffTicketsQuery } from "../tickets/schema.ts";
import { listStaffTickets } from "../tickets/staff.ts";
import { displayDate, displayMoney, statusBadge } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { keptFilters, lenientQuery, options, translated, type Errors, type Fields } from "./action-forms.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";
import { orderStatusLabel } from "./labels.ts";

const FILTERS = ["search", "role", "banned", "from", "to"] as const;
const ROLE_LABEL: Record<string, MessageKey> = { user: "admin.users.role.user", support: "admin.role.support", admin: "admin.role.admin" };
const TYPE_LABEL: Record<string, MessageKey> = {
  deposit: "admin.users.tx.deposit",
  order: "admin.users.tx.order",
  refund: "admin.users.tx.refund",
  referral_commission: "admin.users.tx.referral_commission",
  referral_reversal: "admin.users.tx.referral_reversal",
  adjustment: "admin.users.tx.adjustment",
  white_label_purchase: "admin.users.tx.white_label_purchase",
  subscription: "admin.users.tx.subscription",
  bonus: "admin.users.tx.bonus",
};
const roleLabel = (f: ConsoleFormat, role: string) => (ROLE_LABEL[role] ? f.tx(ROLE_LABEL[role]) : role);

/** What a user-page form was given back with: the form it belongs to, what was typed, what is wrong. */
interface UserFormState {
  form?: string;
  values?: Fields;
  errors?: Errors;
  status?: number;
}

const DONE = ["adjusted", "banned", "unbanned", "reset_sent", "role_set", "price_set", "price_removed"];

/** The Users section's pages: the searchable list and one user's page (read by support too; its forms are for admins). */
export function userConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/users", (c) =>
    consolePage(c, sf, { id: "admin-users", section: "users", heading: "admin.users.title" }, async (f) => {
      const q = lenientQuery(usersQuery, c.req.query(), [...FILTERS, "page"], { per_page: "20" });
      const page = await listUsers(ctxOf(c), q);
      const keep = keptFilters(c.req.url, FILTERS);
      return {
        done: c.req.query("done") === "deleted" ? f.tx("admin.users.done.deleted") : null,
        filters: {
          search: q.search ?? "",
          from: q.from ?? "",
          to: q.to ?? "",
          role: options(
            ["user", "support", "admin"].map((r) => ({ value: r, label: roleLabel(f, r) })),
            q.role,
          ),
          banned: options(
            [
              { value: "1", label: f.tx("admin.users.banned_only") },
              { value: "0", label: f.tx("admin.users.not_banned") },
            ],
            q.banned === undefined ? undefined : q.banned ? "1" : "0",
          ),
        },
        total: page.total,
        users: page.rows.map((u) => ({
          href: `/admin/users/${u.id}`,
          username: u.username,
          email: u.email,
          phone: u.phone ?? "",
          role: roleLabel(f, u.role),
          staff: u.role !== "user",
          banned: Boolean(u.is_banned),
          balance: displayMoney(u.balance, f.currency, f.lang),
          created: displayDate(u.created_at, f.lang),
        })),
        pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), "/admin/users", keep),
      };
    }),
  );

  app.get("/admin/users/:id{[0-9]+}", (c) => userPage(c, sf, idParam(c.req.param("id"), "User")));

  return app;
}

/** One user's page: figures, ledger (paginated), orders, deposits, tickets, referrals, sessions, keys, own prices, and the admin's forms. */
export function userPage(c: Context<AppEnv>, sf: Storefront, id: number, state: UserFormState = {}) {
  return consolePage(c, sf, { id: "admin-user", section: "users", heading: "admin.users.user_title", status: state.status }, async (f) => {
    const ctx = ctxOf(c);
    const me = c.get("user")!;
    const user = await userOfTenant(ctx, id);
    const ledgerPage = lenientQuery(usersQuery, c.req.query(), ["page"]).page;
    const money = (v: number) => displayMoney(v, f.currency, f.lang);
    const [stats, ledger, orders, deposits, tickets, referrals, sessions, keys, prices] = await Promise.all([
      userStats(ctx, id),
      listLedger(ctx, { user_id: id, page: ledgerPage, per_page: 10 }),
      listAdminOrders(ctx, parseInput(adminOrdersQuery, { user_id: String(id), per_page: "10" })),
      listLedger(ctx, { type: "deposit", user_id: id, page: 1, per_page: 5 }),
      listStaffTickets(ctx, parseInput(staffTicketsQuery, { user_id: String(id), per_page: "5" })),
      userReferrals(ctx, id),
      userSessions(ctx, id),
      userApiKeys(ctx, id),
      listUserPrices(ctx, id),
    ]);
    const values = (form: string) => (state.form === form ? (state.values ?? {}) : {});
    const errors = (form: string) => (state.form === form ? translated(f, state.errors) : {});
    const done = c.req.query("done");
    return {
      id: user.id,
      base: `/admin/users/${user.id}`,
      canManage: staffMay(me.role, "manage"),
      self: me.id === user.id,
      done: done && DONE.includes(done) ? f.tx(`admin.users.done.${done}` as MessageKey) : null,
      username: user.username,
      email: user.email,
      phone: user.phone ?? "—",
      fullName: user.full_name ?? "—",
      role: roleLabel(f, user.role),
      banned: Boolean(user.is_banned),
      banReason: user.ban_reason,
      created: displayDate(user.created_at, f.lang),
      lastLogin: displayDate(user.last_login_at, f.lang),
      language: user.language === "en" ? "English" : "Français",
      figures: [
        { label: f.tx("admin.users.balance"), value: money(user.balance) },
        { label: f.tx("admin.users.spent"), value: money(stats.spent) },
        { label: f.tx("admin.users.deposited"), value: money(stats.deposited) },
        { label: f.tx("admin.users.orders_count"), value: String(stats.ordersCount) },
      ],
      pendingDeposits: stats.pendingDeposits ? money(stats.pendingDeposits) : null,
      ledger: ledger.rows.map((t) => ({
        type: TYPE_LABEL[t.type] ? f.tx(TYPE_LABEL[t.type]!) : t.type,
        amount: money(t.amount),
        negative: t.amount < 0,
        after: t.balance_after === null || t.status !== "completed" ? "—" : money(t.balance_after),
        status: f.tx(`admin.users.tx_status.${t.status}` as MessageKey),
        description: t.description ?? "",
        at: displayDate(t.created_at, f.lang),
      })),
      ledgerPagination: paginationView(ledger.page, Math.max(1, Math.ceil(ledger.total / ledger.per_page)), `/admin/users/${id}`, new URLSearchParams()),
      orders: orders.rows.map((o) => ({
        ref: o.uuid.slice(0, 8),
        service: o.service_name ?? "—",
        charge: money(Number(o.charge)),
        status: orderStatusLabel(f, o.status),
        at: displayDate(o.created_at, f.lang),
      })),
      ordersTotal: orders.total,
      deposits: deposits.rows.map((d) => ({
        href: `/admin/deposits/${d.id}`,
        method: d.payment_method_name ?? "—",
        credit: money(d.amount),
        status: statusBadge("deposit", d.status, f.t),
        at: displayDate(d.created_at, f.lang),
      })),
      depositsHref: `/admin/deposits?user=${encodeURIComponent(user.username)}`,
      tickets: tickets.rows.map((t) => ({
        href: `/admin/support/${t.uuid}`,
        subject: t.subject,
        status: statusBadge("ticket", t.status, f.t),
        at: displayDate(t.updated_at, f.lang),
      })),
      referrals: referrals.map((r) => ({ href: `/admin/users/${r.id}`, username: r.username, level: r.level, at: displayDate(r.joined_at, f.lang) })),
      sessions: sessions.map((s) => {
        const d = describeDevice(s.user_agent);
        return {
          device: [d.browser, d.os].filter(Boolean).join(" · ") || f.tx("admin.users.unknown_device"),
          ip: s.ip ?? "—",
          at: displayDate(s.last_seen_at ?? s.created_at, f.lang),
        };
      }),
      keys: keys.map((k) => ({
        name: k.name,
        prefix: `${k.prefix}…`,
        state: f.tx(k.revoked_at ? "admin.users.key_revoked" : "admin.users.key_active"),
        lastUsed: displayDate(k.last_used_at, f.lang),
      })),
      prices: prices.map((p) => ({
        service: `#${p.service_id} ${p.service_name}`,
        rate: money(p.rate),
        platform: money(p.platform_rate),
        removeAction: `/admin/users/${id}/prices/${p.service_id}/remove`,
      })),
      roles: ["user", "support", "admin"].map((r) => ({ value: r, label: roleLabel(f, r), selected: (values("role").role ?? user.role) === r })),
      forms: {
        adjust: { values: values("adjust"), errors: errors("adjust") },
        ban: { values: values("ban"), errors: errors("ban") },
        reset: { errors: errors("reset") },
        role: { errors: errors("role") },
        price: { values: values("price"), errors: errors("price") },
        delete: { errors: errors("delete") },
      },
      balanceValue: formatMoney(user.balance, 0),
    };
  });
}
