import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { providerClient, ProviderError, type ProviderTarget } from "../../src/providers/client.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import {
  addService,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  finishAtProvider,
  fundedUser,
  money,
  orderWorld,
  runSync,
  type World,
} from "../orders/support.ts";
import { ALL_PERMISSIONS, createKeyVia } from "./helpers.ts";

// The platform's own standard-protocol client, unchanged, talking to IzyBoost's /api/v2 over a real socket:
// any panel that can use a standard provider can use IzyBoost as one.
describeEachDialect("IzyBoost as a provider for a real v2 client", (dialect) => {
  let w: World;
  let server: Server;
  let url: string;
  let selfProviderId: number;
  let service: { id: number };
  let cancelable: { id: number };

  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000", min: 10, max: 10_000 });
    cancelable = await addService(w, { rate: "500", cancel: true });
    server = createAdaptorServer({ fetch: w.p.app.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
    const now = dbNow(w.clock);
    const row = await w.p.services.db
      .insertInto("api_providers")
      .values({ name: "IzyBoost itself", url, api_key: "unused", currency: "XOF", exchange_rate: 1_000_000, is_active: 0, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    selfProviderId = Number(row.insertId);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeWorld(w);
  });

  async function clientFor(funds: string) {
    const u = await fundedUser(w, funds);
    const made = await createKeyVia(w.p, u.token, { name: "panel", permissions: ALL_PERMISSIONS });
    const target: ProviderTarget = { id: selfProviderId, url, apiKey: made.json.data.key };
    return { u, key: target.apiKey, client: providerClient(w.p.ctx(), target, { retries: 0, timeoutMs: 5000 }) };
  }

  it("reads the catalogue and the balance", async () => {
    const { client } = await clientFor("1500");
    const services = await client.services();
    const mine = services.find((s) => s.service === String(service.id));
    expect(mine).toMatchObject({ type: "Default", category: "Test", rate: money("1000"), min: 10, max: 10_000, refill: false, cancel: false, dripfeed: false });
    expect(await client.balance()).toEqual({ balance: money("1500"), currency: "XOF" });
  });

  it("places an order, follows its status to Completed, and batch status flags unknown ids", async () => {
    const { u, client } = await clientFor("5000");
    const { order } = await client.add({ service: service.id, link: "https://instagram.com/p/client", quantity: 2000 });
    expect(order).toMatch(/^\d+$/);
    await settleDispatchKicks(w.p.services);
    expect(await balanceOf(w, u.user.id)).toBe(money("3000"));
    const first = await client.status(order);
    expect(["pending", "processing"]).toContain(first.status);
    expect(first).toMatchObject({ remains: 2000, charge: money("2000"), currency: "XOF" });

    finishAtProvider(w);
    await runSync(w);
    const batch = await client.statuses([order, "999999"]);
    expect(batch.get(order)).toMatchObject({ status: "completed", remains: 0 });
    expect(batch.get("999999")).toEqual({ error: "Incorrect order ID" });
    await expectLedgerHolds(w);
  });

  it("cancels a pending order through the client and the refund reaches the buyer", async () => {
    const { u, client } = await clientFor("1000");
    const { order } = await client.add({ service: cancelable.id, link: "https://x.com/c", quantity: 1000 });
    await settleDispatchKicks(w.p.services);
    expect(await balanceOf(w, u.user.id)).toBe(money("500"));
    const [result] = await client.cancel([order]);
    expect(result).toEqual({ order, ok: true });
    expect((await client.status(order)).status).toBe("canceled");
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    await expectLedgerHolds(w);
  });

  it("a refusal about the account reaches the client as a blocking provider error, with the key redacted from its logs", async () => {
    const { client, key } = await clientFor("10");
    const err = await client.add({ service: service.id, link: "https://x.com/a", quantity: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: "blocked", blockCause: "funds", message: expect.stringContaining("Not enough funds on balance") });
    const stranger = providerClient(w.p.ctx(), { id: selfProviderId, url, apiKey: `sk_${"c".repeat(39)}` }, { retries: 0 });
    await expect(stranger.balance()).rejects.toMatchObject({ kind: "blocked", blockCause: "key", message: expect.stringContaining("Invalid API key") });
    const logs = await w.p.services.db.selectFrom("provider_logs").selectAll().where("provider_id", "=", selfProviderId).execute();
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain(key);
  });
});
