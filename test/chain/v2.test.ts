import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, finishAtProvider, money, orderWorld, runSync, type World } from "../orders/support.ts";
import { dbNow } from "../../src/lib/time.ts";
import { providerClient, ProviderError, type ProviderClient } from "../../src/providers/client.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { NEUTRAL_REFUSAL } from "../../src/order-chain/chain.ts";
import { chainOf, customerOn, refundsOf, siteWith, type Customer, type SiteWorld } from "./support.ts";

// A site's own /api/v2, used by the project's real provider client over a socket, orders through the chain.
describeEachDialect("a site's /api/v2 through the storefront chain", (dialect) => {
  let w: World;
  let server: Server;
  let port: number;
  let selfProviderId: number;
  let plain: { id: number };
  let cancelable: { id: number };
  let refillable: { id: number };

  beforeAll(async () => {
    w = await orderWorld(dialect);
    plain = await addService(w, { rate: "1000" });
    cancelable = await addService(w, { rate: "1000", cancel: true });
    refillable = await addService(w, { rate: "1000", refill: true, refillDays: 30 });
    // A front proxy on loopback: the site's host name reaches the app as it would through DNS and the TLS proxy.
    server = createAdaptorServer({
      fetch: (req: Request, env: unknown) => {
        const url = new URL(req.url);
        const host = url.pathname.split("/")[1]!;
        const headers = new Headers(req.headers);
        headers.set("host", host);
        return w.p.app.fetch(
          new Request(`http://${host}${url.pathname.slice(host.length + 1)}${url.search}`, {
            method: req.method,
            headers,
            body: req.body,
            duplex: "half",
          } as RequestInit),
          env as object,
        );
      },
    }) as Server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    const now = dbNow(w.clock);
    const row = await w.p.services.db
      .insertInto("api_providers")
      .values({
        name: "A site as a provider",
        url: `http://127.0.0.1:${port}`,
        api_key: "unused",
        currency: "XOF",
        exchange_rate: 1_000_000,
        is_active: 0,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    selfProviderId = Number(row.insertId);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeWorld(w);
  });

  /** A customer of `s` with a key made on the storefront's API page, and the standard client pointed at the site's /api/v2. */
  async function panelOf(s: SiteWorld, funds: string): Promise<{ c: Customer; key: string; client: ProviderClient }> {
    const c = await customerOn(w, s, funds);
    const page = await get(w.p, s.host, "/api-access", c.jar);
    await post(w.p, s.host, "/api-access", c.jar, { _csrf: csrfFrom(page.html) });
    const key = /id="new-key"[^>]*>(sk_[^<]+)</.exec((await get(w.p, s.host, "/api-access", c.jar)).html)?.[1];
    expect(key).toBeTruthy();
    const client = providerClient(
      w.p.ctx(),
      { id: selfProviderId, url: `http://127.0.0.1:${port}/${s.host}/api/v2`, apiKey: key! },
      { retries: 0, timeoutMs: 5000 },
    );
    return { c, key: key!, client };
  }

  it("lists the site's prices, places through the chain and reports the customer's own order", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const { c, client } = await panelOf(s, "500");
    expect((await client.services()).find((x) => x.service === String(plain.id))).toMatchObject({ rate: money("1500") });
    expect(await client.balance()).toEqual({ balance: money("500"), currency: "XOF" });

    const { order } = await client.add({ service: plain.id, link: "https://instagram.com/p/v2", quantity: 100 });
    await settleDispatchKicks(w.p.services);
    const chain = await chainOf(w, (await w.p.services.db.selectFrom("orders").select("uuid").where("id", "=", Number(order)).executeTakeFirstOrThrow()).uuid);
    expect(chain.customer).toMatchObject({ site_id: s.siteId, user_id: c.user.id, source: "api_v2", charge: money("150") });
    expect(chain.platform).toMatchObject({ user_id: s.owner.user.id, charge: money("100"), dispatch_state: "sent" });
    expect(await balanceOf(w, c.user.id)).toBe(money("350"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("900"));

    w.sim.sim.setOrderOutcome(Number(chain.platform.provider_order_id), { status: "Partial", remains: 40 });
    finishAtProvider(w);
    await runSync(w);
    // The charge a panel reports is what the customer finally paid: 150 less the 60 refunded.
    expect(await client.status(order)).toMatchObject({ status: "partial", remains: 40, charge: money("90"), currency: "XOF" });
    expect(await refundsOf(w, c.user.id)).toEqual([money("60")]);
    expect(await refundsOf(w, s.owner.user.id)).toEqual([money("40")]);
  });

  it("answers the neutral refusal when the reseller cannot pay, and 'Not enough funds' when the customer cannot", async () => {
    const dry = await siteWith(w, { resellerFunds: "10", marginBp: 5000 });
    const { c, client } = await panelOf(dry, "500");
    const refused = await client.add({ service: plain.id, link: "https://x.test/a", quantity: 100 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    // "Temporarily unavailable" is about the provider, not the order: a panel using us holds the order and retries.
    expect((refused as ProviderError).kind).toBe("blocked");
    expect((refused as ProviderError).message).toContain(NEUTRAL_REFUSAL);
    expect(await balanceOf(w, c.user.id)).toBe(money("500"));
    expect(await balanceOf(w, dry.owner.user.id)).toBe(money("10"));

    const rich = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const poor = await panelOf(rich, "100");
    const short = await poor.client.add({ service: plain.id, link: "https://x.test/b", quantity: 100 }).catch((e: unknown) => e);
    expect((short as ProviderError).message).toContain("Not enough funds on balance");
    expect(await balanceOf(w, rich.owner.user.id)).toBe(money("1000"));
  });

  it("cancels through the chain: the provider cancels the platform order and both sides are refunded", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const { c, client } = await panelOf(s, "500");
    const { order } = await client.add({ service: cancelable.id, link: "https://x.test/c", quantity: 100 });
    await settleDispatchKicks(w.p.services);
    const [result] = await client.cancel([order]);
    expect(result).toEqual({ order, ok: true });
    expect((await client.status(order)).status).toBe("canceled");
    expect(await balanceOf(w, c.user.id)).toBe(money("500"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("1000"));
  });

  it("refills through the chain and reports the refill's status to the customer only", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const { client } = await panelOf(s, "500");
    const { order } = await client.add({ service: refillable.id, link: "https://x.test/r", quantity: 100 });
    await settleDispatchKicks(w.p.services);
    finishAtProvider(w);
    await runSync(w);
    const { refill } = await client.refill(order);
    expect(refill).toMatch(/^\d+$/);
    expect(["pending", "in_progress", "completed"]).toContain((await client.refillStatus(refill)).status);
    const other = await panelOf(s, "0");
    const stranger = await other.client.refillStatus(refill).catch((e: unknown) => e);
    expect((stranger as ProviderError).message).toContain("Refill not found");
  });
});
