import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { expect } from "vitest";
import type { DialectName } from "../../src/db/database.ts";
import type { User } from "../../src/db/schema.ts";
import { createKey } from "../../src/developer-api/service.ts";
import { PERMISSIONS } from "../../src/developer-api/keys.ts";
import { notify } from "../../src/notifications/notify.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { body, signUpAdmin } from "../harness/platform.ts";
import { fund } from "../harness/money.ts";
import { addService, closeWorld, fundedUser, orderWorld, place, type World } from "../orders/support.ts";
import { customerOn, orderViaForm, type Customer } from "../chain/support.ts";
import { activeMethod, customerTicket, pendingDeposit, resellerSite, type Reseller } from "../reseller/helpers.ts";

/** What one platform user owns: an order, a pending deposit, a ticket, an API key and a notification. */
export interface PlatformParty {
  token: string;
  user: { id: number; username: string; email: string };
  order: { uuid: string; id: number; number: number | null };
  deposit: { uuid: string; id: number };
  ticket: string;
  key: { id: string; raw: string };
  notification: number;
}

/** A white-label site with its owner and everything its customer owns. */
export interface SiteParty {
  owner: Reseller;
  host: string;
  siteId: number;
  uuid: string;
  method: number;
  customer: Customer;
  /** The customer's order through the chain, and the owner's platform order that fulfils it. */
  order: { uuid: string; id: number; number: number | null };
  fulfil: { uuid: string; id: number; number: number | null };
  deposit: { id: number; uuid: string };
  ticket: string;
  key: string;
}

export interface Tenants {
  w: World;
  dataDir: string;
  serviceId: number;
  /** An active deposit method of the platform. */
  platformMethodId: number;
  admin: { token: string; user: { id: number } };
  p1: PlatformParty;
  p2: PlatformParty;
  A: SiteParty;
  B: SiteParty;
  close(): Promise<void>;
}

const png = () =>
  sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .png()
    .toBuffer();

async function platformParty(w: World, serviceId: number, methodId: number, label: string): Promise<PlatformParty> {
  const u = await fundedUser(w, "100000");
  const placed = await place(w, u.token, { service_id: serviceId, link: `https://instagram.com/p/${label}`, quantity: 100 });
  expect(placed.status).toBe(201);
  const dep = await w.p.request("/api/wallet/deposit", {
    method: "POST",
    token: u.token,
    json: { payment_method_id: methodId, amount: "1000", reference: `REF-${label}-${u.user.id}` },
  });
  expect(dep.status).toBe(201);
  const deposit = (await body(dep)).data;
  const t = await w.p.request("/api/tickets", { method: "POST", token: u.token, json: { subject: `Ticket ${label}`, message: "Bonjour" } });
  expect(t.status).toBe(201);
  const k = await w.p.request("/api/user/api-keys", { method: "POST", token: u.token, json: { name: label, permissions: [...PERMISSIONS] } });
  expect(k.status).toBe(201);
  const key = (await body(k)).data;
  await notify(w.p.ctx(), u.user.id, { type: "test", title: `Note ${label}` });
  const note = await w.p.services.db.selectFrom("notifications").select("id").where("user_id", "=", u.user.id).orderBy("id", "desc").executeTakeFirstOrThrow();
  const orderRow = await w.p.services.db.selectFrom("orders").select(["id", "uuid", "number"]).where("uuid", "=", placed.order.uuid).executeTakeFirstOrThrow();
  const depRow = await w.p.services.db.selectFrom("transactions").select(["id", "uuid"]).where("uuid", "=", deposit.uuid).executeTakeFirstOrThrow();
  return {
    token: u.token,
    user: u.user,
    order: orderRow,
    deposit: depRow,
    ticket: (await body(t)).data.uuid,
    key: { id: key.id, raw: key.key },
    notification: note.id,
  };
}

async function siteParty(w: World, serviceId: number): Promise<SiteParty> {
  const owner = await resellerSite(w.p, "100000");
  await fund(w.p, owner.user.id, "100000");
  const method = await activeMethod(w.p, owner);
  const where = { host: owner.host, siteId: owner.tenant.siteId };
  const customer = await customerOn(w, where, "5000");
  const placed = await orderViaForm(w, customer, { service: String(serviceId), link: "https://instagram.com/p/site", quantity: "100" });
  expect(placed.status).toBe(303);
  const db = w.p.services.db;
  const order = await db.selectFrom("orders").select(["id", "uuid", "number"]).where("uuid", "=", placed.uuid!).executeTakeFirstOrThrow();
  const link = await db.selectFrom("site_orders").select("platform_order_id").where("customer_order_id", "=", order.id).executeTakeFirstOrThrow();
  const fulfil = await db.selectFrom("orders").select(["id", "uuid", "number"]).where("id", "=", link.platform_order_id).executeTakeFirstOrThrow();
  const deposit = await pendingDeposit(w.p, owner, customer.user, method.id, "1000");
  const ticket = await customerTicket(w.p, owner, customer.user);
  const made = await createKey(
    { ...w.p.ctx(owner.tenant), user: customer.user as User },
    { name: "shop bot", permissions: [...PERMISSIONS], rate_limit_per_minute: 600, ip_whitelist: null, expires_at: null },
  );
  const logo = new FormData();
  logo.set("logo", new File([new Uint8Array(await png())], "logo.png", { type: "image/png" }));
  const branded = await w.p.request(`/api/white-label/sites/${owner.site.uuid}/branding`, { method: "PUT", token: owner.token, body: logo });
  expect(branded.status).toBe(200);
  return {
    owner,
    host: owner.host,
    siteId: owner.tenant.siteId,
    uuid: owner.site.uuid,
    method: method.id,
    customer,
    order,
    fulfil,
    deposit: { id: deposit.id, uuid: deposit.uuid },
    ticket: ticket.uuid,
    key: made.raw,
  };
}

/**
 * Two platform users and two white-label sites, each with one of every resource (orders through
 * the chain on the sites), and a platform admin: the cast of the robustness suites.
 */
export async function tenants(dialect: DialectName): Promise<Tenants> {
  const dataDir = mkdtempSync(join(tmpdir(), "izy-robust-"));
  const w = await orderWorld(dialect, { DATA_DIR: dataDir });
  const service = await addService(w, { rate: "1000", refill: true, cancel: true });
  const method = await w.p.services.db
    .selectFrom("payment_methods")
    .select("id")
    .where("site_id", "=", 0)
    .where("is_active", "=", 1)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const adminUser = await signUpAdmin(w.p);
  const p1 = await platformParty(w, service.id, method.id, "p1");
  const p2 = await platformParty(w, service.id, method.id, "p2");
  const A = await siteParty(w, service.id);
  const B = await siteParty(w, service.id);
  await settleDispatchKicks(w.p.services);
  return {
    w,
    dataDir,
    serviceId: service.id,
    platformMethodId: method.id,
    admin: { token: adminUser.token, user: adminUser.user },
    p1,
    p2,
    A,
    B,
    async close() {
      await closeWorld(w);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
