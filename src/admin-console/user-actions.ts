import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { requireUser } from "../context.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { runOnceForValue } from "../idempotency/idempotency.ts";
import { adjustBalance } from "../staff/users/balance.ts";
import { removeUserPrice, setUserPrice } from "../staff/users/prices.ts";
import { adjustBody, banBody, userPriceBody, userUpdate } from "../staff/users/schema.ts";
import { deleteUser, sendResetLinkAsStaff, toggleBan, updateUser, userOfTenant } from "../staff/users/service.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayMoney } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { readForm, refusalOf, type Fields } from "./action-forms.ts";
import { consolePage } from "./frame.ts";
import { userPage } from "./users.ts";

type Words = Partial<Record<string, MessageKey>>;

const CONFLICTS: Words = {
  cannot_ban_self: "admin.users.error.ban_self",
  cannot_delete_self: "admin.users.error.delete_self",
  pending_deposits: "admin.users.error.pending_deposits",
  balance_not_zero: "admin.users.error.balance_not_zero",
  insufficient_balance: "admin.users.error.insufficient",
  user_banned: "admin.users.error.banned",
  concurrent_update: "admin.users.error.concurrent",
};

/** The Users section's forms (admins only, by staffActionOf: every POST is "manage"): each runs one staff verb. */
export function userActionPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const base = "/admin/users/:id{[0-9]+}";

  /** A form of the user page: CSRF, the verb, back to the page with a notice, or the page with the form's errors and input. */
  const action = (suffix: string, form: string, words: Words, run: (c: Context<AppEnv>, id: number, fields: Fields) => Promise<string | Response>) =>
    app.post(`${base}/${suffix}`, requireCsrf, async (c) => {
      const id = idParam(c.req.param("id"), "User");
      const fields = await readForm(c);
      try {
        const done = await run(c, id, fields);
        return typeof done === "string" ? c.redirect(`/admin/users/${id}?done=${done}#${form}`, 303) : done;
      } catch (err) {
        return userPage(c, sf, id, { form, values: fields, errors: refusalOf(err, words, CONFLICTS, "admin.users.error.invalid"), status: 422 });
      }
    });

  // Adjust the balance: the first post shows the amount and the balance after; the confirmed one (keyed, so a double click books once) books it.
  action("adjust", "adjust", { amount: "admin.users.error.amount", reason: "admin.users.error.reason" }, async (c, id, fields) => {
    const ctx = ctxOf(c);
    const input = parseInput(adjustBody, { amount: fields.amount ?? "", reason: fields.reason ?? "" });
    if (fields.confirm !== "1") {
      const user = await userOfTenant(ctx, id);
      return consolePage(c, sf, { id: "admin-confirm-step", section: "users", heading: "admin.users.adjust_confirm_title" }, async (f) => {
        const money = (v: number) => displayMoney(v, f.currency, f.lang);
        const credit = input.amount > 0;
        return {
          title: f.tx(credit ? "admin.users.adjust_credit" : "admin.users.adjust_debit", { amount: money(Math.abs(input.amount)), user: user.username }),
          lines: [
            { label: f.tx("admin.users.col_user"), value: user.username },
            { label: f.tx("admin.users.balance"), value: money(user.balance) },
            { label: f.tx(credit ? "admin.users.credit" : "admin.users.debit"), value: money(Math.abs(input.amount)), strong: true },
            { label: f.tx("admin.users.balance_after"), value: money(user.balance + input.amount) },
            { label: f.tx("admin.users.reason"), value: input.reason },
          ],
          consequence: f.tx("admin.users.adjust_consequence"),
          action: `/admin/users/${id}/adjust`,
          hidden: [
            { name: "amount", value: fields.amount ?? "" },
            { name: "reason", value: input.reason },
            { name: "confirm", value: "1" },
            { name: "key", value: randomUUID() },
          ],
          confirmLabel: f.tx(credit ? "admin.users.adjust_credit_confirm" : "admin.users.adjust_debit_confirm", { amount: money(Math.abs(input.amount)) }),
          danger: !credit,
          cancelHref: `/admin/users/${id}#adjust`,
        };
      });
    }
    const keyed = { scope: `u:${requireUser(ctx).id}`, key: fields.key || undefined, operation: "console-adjust-balance", body: { id, ...input } };
    await runOnceForValue(ctx, keyed, async () => (await adjustBalance(ctx, id, input)).uuid);
    return "adjusted";
  });

  action("ban", "ban", { reason: "admin.users.error.ban_reason" }, async (c, id, fields) => {
    const input = parseInput(banBody, { reason: fields.reason || undefined });
    const user = await toggleBan(ctxOf(c), id, input.reason || undefined);
    return user.is_banned ? "banned" : "unbanned";
  });

  action("password-reset", "reset", {}, async (c, id) => {
    await sendResetLinkAsStaff(ctxOf(c), id);
    return "reset_sent";
  });

  action("role", "role", { role: "admin.users.error.role" }, async (c, id, fields) => {
    await updateUser(ctxOf(c), id, parseInput(userUpdate, { role: fields.role ?? "" }));
    return "role_set";
  });

  action("prices", "price", { service_id: "admin.users.error.service", rate: "admin.users.error.rate" }, async (c, id, fields) => {
    await setUserPrice(ctxOf(c), id, parseInput(userPriceBody, { service_id: fields.service_id ?? "", rate: fields.rate ?? "" }));
    return "price_set";
  });

  app.post(`${base}/prices/:service{[0-9]+}/remove`, requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "User");
    await removeUserPrice(ctxOf(c), id, idParam(c.req.param("service"), "Service"));
    return c.redirect(`/admin/users/${id}?done=price_removed#price`, 303);
  });

  // Delete (anonymise): a confirmation step first, then the verb; the list says it is done.
  action("delete", "delete", {}, async (c, id, fields) => {
    const ctx = ctxOf(c);
    if (fields.confirm !== "1") {
      const user = await userOfTenant(ctx, id);
      return consolePage(c, sf, { id: "admin-confirm-step", section: "users", heading: "admin.users.delete_title" }, async (f) => ({
        title: f.tx("admin.users.delete_question", { user: user.username }),
        lines: [
          { label: f.tx("admin.users.col_user"), value: user.username },
          { label: f.tx("admin.users.email"), value: user.email },
          { label: f.tx("admin.users.balance"), value: displayMoney(user.balance, f.currency, f.lang), strong: true },
        ],
        consequence: f.tx("admin.users.delete_consequence"),
        action: `/admin/users/${id}/delete`,
        hidden: [{ name: "confirm", value: "1" }],
        confirmLabel: f.tx("admin.users.delete_confirm"),
        danger: true,
        cancelHref: `/admin/users/${id}`,
      }));
    }
    await deleteUser(ctx, id);
    return c.redirect("/admin/users?done=deleted", 303);
  });

  return app;
}
