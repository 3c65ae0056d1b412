import { Hono } from "hono";
import type { AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { parseInput } from "../core/validate.ts";
import { readBody, validQuery } from "../http/body.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { formatMoney } from "../money/money.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { depositBody, transactionsQuery } from "./schema.ts";
import { listDepositMethods, listTransactions, walletSummary } from "./service.ts";
import { createDeposit } from "./deposits.ts";
import { depositMethodView, transactionView } from "./view.ts";

/** /api/wallet — the caller's balance, ledger and deposits (requireAuth is applied at the mount). */
export function walletRoutes() {
  const app = new Hono<AuthedEnv>();

  app.get("/", async (c) => {
    const w = await walletSummary(ctxOf(c));
    return c.json({
      data: {
        balance: formatMoney(w.balance),
        currency: w.currency,
        pending_deposits: formatMoney(w.pendingDeposits),
        pending_deposits_count: w.pendingCount,
        total_deposited: formatMoney(w.totalDeposited),
        total_spent: formatMoney(w.totalSpent),
      },
    });
  });

  app.get("/transactions", async (c) => {
    const page = await listTransactions(ctxOf(c), validQuery(c, transactionsQuery));
    return c.json(pageEnvelope(page, transactionView));
  });

  app.get("/deposit-methods", async (c) => {
    const methods = await listDepositMethods(ctxOf(c));
    return c.json({ data: methods.map((m) => depositMethodView(m.method, m.fee, m.limits)) });
  });

  app.post("/deposit", async (c) => {
    const ctx = ctxOf(c);
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${ctx.user.id}`, raw, async () => {
      const deposit = await createDeposit(ctx, parseInput(depositBody, raw));
      return { status: 201, body: { data: transactionView(deposit) } };
    });
  });

  return app;
}
