import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { ctxOf } from "../../http/env.ts";
import { idParam } from "../../core/params.ts";
import { validBody, validQuery } from "../../http/body.ts";
import { pageEnvelope } from "../../core/pagination.ts";
import { verifyDeposit } from "../../wallet/deposits.ts";
import { staffTransactionView, adminPaymentMethodView, financeStatsView } from "./view.ts";
import { staffTransactionsQuery, paymentMethodCreate, paymentMethodUpdate, verifyBody } from "./schema.ts";
import { createPaymentMethod, listPaymentMethods, removePaymentMethod, updatePaymentMethod } from "./payment-methods.ts";
import { listLedger, staffDeposit } from "./service.ts";
import { financeStats } from "./stats.ts";
import { transactionView } from "../../wallet/view.ts";

/** /api/admin/finance — deposits to verify, the ledger, payment methods (requireAdmin is applied at the mount). */
export function adminFinanceRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/stats", async (c) => c.json({ data: financeStatsView(await financeStats(ctxOf(c))) }));

  app.get("/transactions", async (c) => c.json(pageEnvelope(await listLedger(ctxOf(c), validQuery(c, staffTransactionsQuery)), staffTransactionView)));

  app.get("/deposits/:id", async (c) => c.json({ data: staffTransactionView(await staffDeposit(ctxOf(c), idParam(c.req.param("id"), "Deposit"))) }));

  app.post("/transactions/:id/verify", async (c) => {
    const id = idParam(c.req.param("id"), "Transaction");
    const row = await verifyDeposit(ctxOf(c), id, await validBody(c, verifyBody));
    return c.json({ data: transactionView(row) });
  });

  app.get("/payment-methods", async (c) => c.json({ data: (await listPaymentMethods(ctxOf(c))).map(adminPaymentMethodView) }));

  app.post("/payment-methods", async (c) =>
    c.json({ data: adminPaymentMethodView(await createPaymentMethod(ctxOf(c), await validBody(c, paymentMethodCreate))) }, 201),
  );

  app.delete("/payment-methods/:id", async (c) => c.json({ data: await removePaymentMethod(ctxOf(c), idParam(c.req.param("id"), "Payment method")) }));

  app.put("/payment-methods/:id", async (c) => {
    const id = idParam(c.req.param("id"), "Payment method");
    return c.json({ data: adminPaymentMethodView(await updatePaymentMethod(ctxOf(c), id, await validBody(c, paymentMethodUpdate))) });
  });

  return app;
}
