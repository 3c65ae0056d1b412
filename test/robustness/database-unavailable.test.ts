import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sql } from "kysely";
import { anotherInstance, body, describeEachDialect, mysqlServerUrl, type TestPlatform } from "../harness/platform.ts";
import { addService, closeWorld, expectLedgerHolds, fundedUser, orderRow, orderWorld, type World } from "../orders/support.ts";
import { dispatchOrders, settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { countRows } from "../wallet/helpers.ts";

/** A TCP relay to the MariaDB server that can be cut (every connection reset, new ones refused) and mended, as a restart does. */
async function cuttableRelay(target: URL): Promise<{ port: number; cut(): Promise<void>; mend(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 3306), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await open();
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  return { port, cut, mend: open, close: cut };
}

/** Waits (polling, no timing asserted) until the order's dispatch is in the state named. */
/** Another instance of the platform (MariaDB) whose database connections all go through a cuttable relay. */
async function instanceViaRelay(p: TestPlatform, env: Record<string, string> = {}) {
  const relay = await cuttableRelay(new URL(mysqlServerUrl()));
  const url = new URL(p.services.config.DATABASE_URL!);
  url.hostname = "127.0.0.1";
  url.port = String(relay.port);
  return { relay, viaRelay: await anotherInstance(p, { ...env, DATABASE_URL: url.toString() }) };
}

async function untilDispatch(w: World, uuid: string, state: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await orderRow(w, uuid)).dispatch_state === state) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`order never ${state}`);
}

const countOrders = (p: TestPlatform, userId: number) => countRows(p, "orders", userId);

describeEachDialect("a database that cannot serve is a 503 to retry, never a 500, and nothing half-written", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  if (dialect === "sqlite") {
    it("a read-only SQLite database answers an order with the 503 envelope and Retry-After, writes nothing, and the same key works once writable", async () => {
      const svc = await addService(w, { rate: "1000" });
      const u = await fundedUser(w, "100000");
      const order = { service_id: svc.id, link: "https://instagram.com/p/read-only", quantity: 100 };
      await sql`PRAGMA query_only = ON`.execute(w.p.services.db);
      let res: Response;
      try {
        res = await w.p.request("/api/user/orders", { method: "POST", token: u.token, json: order, headers: { "Idempotency-Key": "ro-1" } });
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        expect((await body(res)).error).toMatchObject({ code: "database_unavailable" });
        const v2 = await w.p.request("/api/v2", { method: "POST", body: new URLSearchParams({ key: "sk_abcdefghijklmnopqrstuvwxyz", action: "balance" }) });
        expect(v2.status).not.toBe(500);
      } finally {
        await sql`PRAGMA query_only = OFF`.execute(w.p.services.db);
      }
      expect(await countOrders(w.p, u.user.id)).toBe(0);
      res = await w.p.request("/api/user/orders", { method: "POST", token: u.token, json: order, headers: { "Idempotency-Key": "ro-1" } });
      expect(res.status).toBe(201);
      expect(await countOrders(w.p, u.user.id)).toBe(1);
      await expectLedgerHolds(w);
    });
  }

  if (dialect === "sqlite") {
    it("an order whose provider answered while the database was read-only is recorded as sent once it is writable, not held as unknown", async () => {
      const svc = await addService(w, { rate: "1000" });
      const u = await fundedUser(w, "100000");
      w.sim.sim.setFault({ action: "add", kind: "latency", ms: 300 });
      const res = await w.p.request("/api/user/orders", {
        method: "POST",
        token: u.token,
        json: { service_id: svc.id, link: "https://instagram.com/p/ro-settle", quantity: 100 },
      });
      expect(res.status).toBe(201);
      const uuid = (await body(res)).data.uuid as string;
      await untilDispatch(w, uuid, "sending");
      await sql`PRAGMA query_only = ON`.execute(w.p.services.db);
      await new Promise((r) => setTimeout(r, 1_500));
      await sql`PRAGMA query_only = OFF`.execute(w.p.services.db);
      await settleDispatchKicks(w.p.services);
      w.sim.sim.clearFaults();
      const row = await orderRow(w, uuid);
      expect(row.dispatch_state).toBe("sent");
      expect(w.sim.sim.getOrder(Number(row.provider_order_id))?.link).toBe("https://instagram.com/p/ro-settle");
      await expectLedgerHolds(w);
    });
  }

  if (dialect === "mysql") {
    it("an order whose provider answered while MariaDB was away is recorded as sent once it is back, not held as unknown", async () => {
      const svc = await addService(w, { rate: "1000" });
      const u = await fundedUser(w, "100000");
      const { relay, viaRelay } = await instanceViaRelay(w.p, { PROVIDER_TIMEOUT_MS: "5000" });
      try {
        w.sim.sim.setFault({ action: "add", kind: "latency", ms: 300 });
        const res = await viaRelay.request("/api/user/orders", {
          method: "POST",
          token: u.token,
          json: { service_id: svc.id, link: "https://instagram.com/p/away-settle", quantity: 100 },
        });
        expect(res.status).toBe(201);
        const uuid = (await body(res)).data.uuid as string;
        await untilDispatch(w, uuid, "sending");
        await relay.cut();
        await new Promise((r) => setTimeout(r, 1_500));
        await relay.mend();
        await settleDispatchKicks(viaRelay.services);
        // Cut before the claimed order was read back, it went back to the queue unsent: the next run sends it.
        await dispatchOrders(viaRelay.ctx());
        const row = await orderRow(w, uuid);
        expect(row.dispatch_state).toBe("sent");
        expect(w.sim.sim.getOrder(Number(row.provider_order_id))?.link).toBe("https://instagram.com/p/away-settle");
        expect(w.sim.sim.orderIds().filter((id) => w.sim.sim.getOrder(id)?.link === "https://instagram.com/p/away-settle")).toHaveLength(1);
        await expectLedgerHolds(w);
      } finally {
        w.sim.sim.clearFaults();
        await viaRelay.close();
        await relay.close();
      }
    });

    it("MariaDB gone (connections reset, then refused) answers 503 on the JSON API and the bilingual 503 page, and the pool serves again once it is back", async () => {
      const svc = await addService(w, { rate: "1000" });
      const u = await fundedUser(w, "100000");
      const { relay, viaRelay } = await instanceViaRelay(w.p);
      try {
        const order = { service_id: svc.id, link: "https://instagram.com/p/restart", quantity: 100 };
        const place = () => viaRelay.request("/api/user/orders", { method: "POST", token: u.token, json: order, headers: { "Idempotency-Key": "restart-1" } });
        // The pool holds connections opened before the cut: they are the stale ones a restart leaves behind.
        expect((await viaRelay.request("/api/wallet", { token: u.token })).status).toBe(200);
        await relay.cut();
        for (const attempt of [1, 2]) {
          const res = await place();
          expect(res.status, `attempt ${attempt}`).toBe(503);
          expect(res.headers.get("retry-after")).toBe("5");
          expect((await body(res)).error).toMatchObject({ code: "database_unavailable" });
        }
        const page = await viaRelay.request("/login", { headers: { accept: "text/html" } });
        if (page.status !== 200) {
          expect(page.status).toBe(503);
          const text = await page.text();
          expect(text).toContain("momentanément indisponible");
          expect(text).toContain("temporarily unavailable");
        }
        const v2 = await viaRelay.request("/api/v2", {
          method: "POST",
          body: new URLSearchParams({ key: "sk_abcdefghijklmnopqrstuvwxyz", action: "balance" }),
        });
        expect(v2.status).toBe(503);
        expect(await body(v2)).toHaveProperty("error");
        expect(await countOrders(w.p, u.user.id)).toBe(0);

        await relay.mend();
        const res = await place();
        expect(res.status).toBe(201);
        expect(await countOrders(w.p, u.user.id)).toBe(1);
        expect((await place()).headers.get("idempotent-replayed")).toBe("true");
        await expectLedgerHolds(w);
      } finally {
        await viaRelay.close();
        await relay.close();
      }
    });
  }
});
