import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { plainSpaces } from "../harness/money.ts";
import { describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, finishAtProvider, money, orderWorld, runSync, type World } from "../orders/support.ts";
import type { Ctx } from "../../src/context.ts";
import { PLATFORM } from "../../src/context.ts";
import { dbNow } from "../../src/lib/time.ts";
import { verifyDeposit } from "../../src/wallet/deposits.ts";
import { listStaffTickets, replyAsStaff } from "../../src/tickets/staff.ts";
import { chainOf, customerOn, orderViaForm, PLATFORM_HOST, pressButton, refundsOf, siteWith, type SiteWorld } from "./support.ts";

// The account pages of every tenant, with real data: a site's customers through the chain, the platform's users directly.
describeEachDialect("storefront account pages with real data", (dialect) => {
  let w: World;
  let plain: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    plain = await addService(w, { rate: "1000", min: 10, max: 5000 });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  /** The reseller acting as staff of its own site (what the reseller's back office does). */
  async function resellerCtx(s: SiteWorld): Promise<Ctx> {
    const owner = await w.p.services.db.selectFrom("users").selectAll().where("id", "=", s.owner.user.id).executeTakeFirstOrThrow();
    return { ...w.p.ctx(s.tenant), user: owner };
  }

  it("a customer's account, orders list and order page show their balance, status badges and remains", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    const placed = await orderViaForm(w, c, { service: String(plain.id), link: "https://instagram.com/p/pages", quantity: "100" });
    expect(placed.status).toBe(303);
    const { platform } = await chainOf(w, placed.uuid!);
    w.sim.sim.setOrderOutcome(Number(platform.provider_order_id), { status: "Partial", remains: 25 });
    finishAtProvider(w);
    await runSync(w);

    const account = await get(w.p, s.host, "/account", c.jar);
    expect(account.res.status).toBe(200);
    // 500 − 150 + 150 × 25 / 100 = 387.5, the refund rounded down to the franc: 387; spent: 150 − 37.
    expect(plainSpaces(account.html)).toContain("<strong>387 F CFA</strong>");
    expect(plainSpaces(account.html)).toContain("<strong>113 F CFA</strong>");
    expect(account.html).toContain(`/orders/${placed.uuid}`);
    const list = await get(w.p, s.host, "/orders?lang=en", c.jar);
    expect(list.html).toContain(`/orders/${placed.uuid}`);
    expect(list.html).toContain('<span class="badge badge-warning">Partial</span>');
    const page = await get(w.p, s.host, `/orders/${placed.uuid}`, c.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("https://instagram.com/p/pages");
    expect(page.html).toMatch(/Remains<\/dt><dd>25<\/dd>/);
    expect(plainSpaces(page.html)).toMatch(/Refunded<\/dt><dd>F CFA 37<\/dd>/);
    expect(await w.p.services.db.selectFrom("orders").select("id").where("user_id", "=", c.user.id).execute()).toHaveLength(1);
  });

  it("the order form re-renders with messages on bad input and changes nothing", async () => {
    const s = await siteWith(w, { resellerFunds: "1000" });
    const c = await customerOn(w, s, "500");
    const low = await orderViaForm(w, c, { service: String(plain.id), link: "https://instagram.com/p/kept", quantity: "5" });
    expect(low.status).toBe(422);
    expect(low.html).toMatch(/id="f-quantity-error">Quantité\u00a0: au moins /);
    expect(low.html).toContain('value="https://instagram.com/p/kept"');
    // A fresh idempotency key, so that the corrected form is a new request.
    expect(low.html).not.toContain(`value="${low.key}"`);
    const noService = await orderViaForm(w, c, { service: "", link: "https://instagram.com/p/x", quantity: "100" });
    expect(noService.status).toBe(422);
    expect(noService.html).toContain('id="f-service-error"');
    expect(await balanceOf(w, c.user.id)).toBe(money("500"));
    expect(await w.p.services.db.selectFrom("orders").select("id").where("user_id", "=", c.user.id).execute()).toEqual([]);
  });

  it("cancel and refill buttons show where allowed and act through the chain", async () => {
    const cancelable = await addService(w, { rate: "1000", cancel: true });
    const refillable = await addService(w, { rate: "1000", refill: true, refillDays: 30 });
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");

    const toCancel = await orderViaForm(w, c, { service: String(cancelable.id), link: "https://x.test/cancel-me-not", quantity: "100" });
    const path = `/orders/${toCancel.uuid}`;
    expect((await get(w.p, s.host, path, c.jar)).html).toContain(`href="${path}/cancel"`);
    // The button leads to a confirmation step; a post that skipped it is taken there and cancels nothing.
    const unconfirmed = await pressButton(w, c, path, `${path}/cancel`);
    expect([unconfirmed.status, unconfirmed.location]).toEqual([303, `${path}/cancel`]);
    expect((await chainOf(w, toCancel.uuid!)).customer.status).not.toBe("canceled");
    expect(await refundsOf(w, c.user.id)).toEqual([]);
    const step = await get(w.p, s.host, `${path}/cancel?lang=en`, c.jar);
    expect(step.html).toContain(`action="${path}/cancel"`);
    expect(step.html).toContain('name="confirm" value="yes"');
    expect(step.html).toContain(`Cancel order #${(await chainOf(w, toCancel.uuid!)).customer.number}?`);
    const canceled = await pressButton(w, c, `${path}/cancel`, `${path}/cancel`, { confirm: "yes" });
    expect([canceled.status, canceled.location]).toEqual([303, `${path}?flash=order_canceled`]);
    expect((await chainOf(w, toCancel.uuid!)).customer.status).toBe("canceled");
    expect(await refundsOf(w, c.user.id)).toEqual([money("150")]);
    expect(await refundsOf(w, s.owner.user.id)).toEqual([money("100")]);
    expect((await get(w.p, s.host, `${path}?flash=order_canceled`, c.jar)).html).not.toContain(`href="${path}/cancel"`);

    const toRefill = await orderViaForm(w, c, { service: String(refillable.id), link: "https://x.test/refill-me", quantity: "100" });
    const rpath = `/orders/${toRefill.uuid}`;
    expect((await get(w.p, s.host, rpath, c.jar)).html).not.toContain(`action="${rpath}/refill"`);
    finishAtProvider(w);
    await runSync(w);
    expect((await get(w.p, s.host, rpath, c.jar)).html).toContain(`action="${rpath}/refill"`);
    expect((await pressButton(w, c, rpath, `${rpath}/refill`)).location).toBe(`${rpath}?flash=order_refill_requested`);
    // While the refill is under way its button hides and the page says why.
    const pending = await get(w.p, s.host, `${rpath}?lang=en`, c.jar);
    expect(pending.html).not.toContain(`action="${rpath}/refill"`);
    expect(pending.html).toContain("A refill of this order is under way");
    const { platform } = await chainOf(w, toRefill.uuid!);
    expect(await w.p.services.db.selectFrom("refills").select("order_id").execute()).toContainEqual({ order_id: platform.id });
    expect((await pressButton(w, c, rpath, `${rpath}/refill`)).location).toBe(`${rpath}?flash=order_action_refused`);
    expect((await get(w.p, s.host, `${rpath}?flash=order_action_refused&lang=en`, c.jar)).html).toContain(
      "This action is not possible for this order right now.",
    );
  });

  it("/funds shows the site's own methods; a declared payment stays pending until the reseller verifies it", async () => {
    const s = await siteWith(w, { resellerFunds: "0" });
    const now = dbNow(w.clock);
    await w.p.services.db
      .insertInto("payment_methods")
      .values({
        site_id: s.siteId,
        code: "wave",
        name: "Wave boutique",
        type: "mobile_money",
        instructions_fr: "Envoyez au 07 22",
        instructions_en: "Send to 07 22",
        account_number: "+225 07 22 22 22 22",
        currency: "XOF",
        min_amount: money("100"),
        max_amount: money("100000"),
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const c = await customerOn(w, s);
    const page = await get(w.p, s.host, "/funds", c.jar);
    expect(page.html).toContain("Wave boutique");
    expect(page.html).toContain("+225 07 22 22 22 22");
    expect(page.html).not.toContain("Orange Money");

    const bad = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(page.html), method: "wave", amount: "abc", reference: "TX-1" });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-amount-error"');
    const unknown = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(page.html), method: "orange_money", amount: "5000", reference: "TX-1" });
    expect(unknown.res.status).toBe(422);

    const ok = await post(w.p, s.host, "/funds", c.jar, { _csrf: csrfFrom(page.html), method: "wave", amount: "5000", reference: "TX-1", confirm: "yes" });
    expect([ok.res.status, ok.res.headers.get("location")]).toEqual([303, "/funds?flash=deposit_created"]);
    expect(await balanceOf(w, c.user.id)).toBe(0);
    const pending = await get(w.p, s.host, "/funds", c.jar);
    expect(pending.html).toContain("TX-1");
    expect(pending.html).toContain("En vérification");

    const deposit = await w.p.services.db
      .selectFrom("transactions")
      .selectAll()
      .where("user_id", "=", c.user.id)
      .where("type", "=", "deposit")
      .executeTakeFirstOrThrow();
    expect(deposit).toMatchObject({ site_id: s.siteId, status: "pending", amount: money("5000") });
    // The platform's admins do not verify a site's deposits; the reseller does.
    await expect(verifyDeposit({ ...w.p.ctx(PLATFORM), user: (await resellerCtx(s)).user }, deposit.id, { action: "approve" })).rejects.toMatchObject({
      status: 404,
    });
    await verifyDeposit(await resellerCtx(s), deposit.id, { action: "approve" });
    expect(await balanceOf(w, c.user.id)).toBe(money("5000"));
    expect((await get(w.p, s.host, "/funds", c.jar)).html).toContain("Crédité");
  });

  it("tickets go to the reseller: open, staff reply, customer reply and close through the forms", async () => {
    const s = await siteWith(w, { resellerFunds: "0" });
    const c = await customerOn(w, s);
    const form = await get(w.p, s.host, "/tickets/new", c.jar);
    const empty = await post(w.p, s.host, "/tickets", c.jar, { _csrf: csrfFrom(form.html), subject: "x", category: "order", message: "" });
    expect(empty.res.status).toBe(422);
    const opened = await post(w.p, s.host, "/tickets", c.jar, {
      _csrf: csrfFrom(form.html),
      subject: "Commande lente",
      category: "order",
      message: "Bonjour, ma commande tarde.",
    });
    expect(opened.res.status).toBe(303);
    const uuid = /^\/tickets\/([0-9a-f-]{36})$/.exec(opened.res.headers.get("location") ?? "")![1]!;

    const staff = await resellerCtx(s);
    expect((await listStaffTickets(staff, { page: 1, per_page: 20 })).rows.map((t) => t.uuid)).toEqual([uuid]);
    expect((await listStaffTickets({ ...w.p.ctx(PLATFORM), user: staff.user }, { page: 1, per_page: 100 })).rows.map((t) => t.uuid)).not.toContain(uuid);
    await replyAsStaff(staff, uuid, "Nous relançons le fournisseur.");

    const page = await get(w.p, s.host, `/tickets/${uuid}`, c.jar);
    expect(page.html).toContain("Nous relançons le fournisseur.");
    expect(page.html).toContain(`Support ${s.tenant.site.name}`);
    const replied = await post(w.p, s.host, `/tickets/${uuid}/reply`, c.jar, { _csrf: csrfFrom(page.html), message: "Merci !" });
    expect(replied.res.status).toBe(303);
    expect((await w.p.services.db.selectFrom("tickets").select("status").where("uuid", "=", uuid).executeTakeFirstOrThrow()).status).toBe("customer_reply");
    expect((await pressButton(w, c, `/tickets/${uuid}`, `/tickets/${uuid}/close`)).location).toBe(`/tickets/${uuid}?flash=ticket_closed`);
    expect((await w.p.services.db.selectFrom("tickets").select("status").where("uuid", "=", uuid).executeTakeFirstOrThrow()).status).toBe("closed");
    const list = await get(w.p, s.host, "/tickets", c.jar);
    expect(list.html).toContain("Commande lente");
  });

  it("the API page shows a new key once, replaces it, revokes it, and documents the site's API at its stored domain", async () => {
    const s = await siteWith(w, { resellerFunds: "0", extra: { custom_domain: "boutique-awa.example", domain_verified_at: dbNow(w.clock) } });
    const c = await customerOn(w, s, "42");
    const page = await get(w.p, s.host, "/api-access", c.jar);
    expect(page.html).toContain("https://boutique-awa.example/api/v2");
    expect(page.html).not.toContain(`${s.host}/api/v2`);
    const v2balance = async (key: string) =>
      (await (
        await w.p.request("/api/v2", {
          method: "POST",
          host: s.host,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: `key=${key}&action=balance`,
        })
      ).json()) as Record<string, string>;

    // Post, redirect, get: the key is shown once on the page after the redirect, and a reload does not make another.
    const made = await post(w.p, s.host, "/api-access", c.jar, { _csrf: csrfFrom(page.html) });
    expect([made.res.status, made.res.headers.get("location")]).toEqual([303, "/api-access"]);
    expect(made.html).not.toContain("sk_");
    const shown = await get(w.p, s.host, "/api-access", c.jar);
    const first = /id="new-key"[^>]*>(sk_[^<]+)</.exec(shown.html)![1]!;
    expect(await v2balance(first)).toEqual({ balance: "42.00", currency: "XOF" });
    const again = await get(w.p, s.host, "/api-access", c.jar);
    expect(again.html).not.toContain(first);
    expect(again.html).toContain(first.slice(0, 7));
    expect(await w.p.services.db.selectFrom("api_keys").select("id").where("user_id", "=", c.user.id).execute()).toHaveLength(1);

    // Replacing the key asks first: a post without the confirmation is taken to the question and changes nothing.
    expect(again.html).toContain('href="/api-access/replace"');
    const unconfirmed = await post(w.p, s.host, "/api-access", c.jar, { _csrf: csrfFrom(again.html) });
    expect([unconfirmed.res.status, unconfirmed.res.headers.get("location")]).toEqual([303, "/api-access/replace"]);
    expect(await v2balance(first)).toEqual({ balance: "42.00", currency: "XOF" });
    const question = await get(w.p, s.host, "/api-access/replace?lang=en", c.jar);
    expect(question.html).toContain("Replace your API key?");
    expect(question.html).toContain(`The current key (${first.slice(0, 7)}`);
    const remade = await post(w.p, s.host, "/api-access", c.jar, { _csrf: csrfFrom(question.html), confirm: "yes" });
    expect(remade.res.status).toBe(303);
    const second = /id="new-key"[^>]*>(sk_[^<]+)</.exec((await get(w.p, s.host, "/api-access", c.jar)).html)![1]!;
    expect(second).not.toBe(first);
    expect(await v2balance(first)).toEqual({ error: "Invalid API key" });
    expect(await v2balance(second)).toEqual({ balance: "42.00", currency: "XOF" });

    expect((await pressButton(w, c, "/api-access", "/api-access/revoke")).location).toBe("/api-access?flash=api_key_revoked");
    expect(await v2balance(second)).toEqual({ error: "Invalid API key" });
    expect((await get(w.p, s.host, "/api-access?lang=fr", c.jar)).html).toContain("Vous n&#39;avez pas encore de clé API");
  });

  it("the platform's own pages use the same engine with plain orders (no chain)", async () => {
    const u = await customerOn(w, PLATFORM_HOST, "1000");
    const placed = await orderViaForm(w, u, { service: String(plain.id), link: "https://instagram.com/p/platform", quantity: "100" });
    expect(placed.status).toBe(303);
    const order = await w.p.services.db.selectFrom("orders").selectAll().where("uuid", "=", placed.uuid!).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ site_id: 0, user_id: u.user.id, charge: money("100"), parent_order_id: null, dispatch_state: "sent", source: "storefront" });
    expect(await w.p.services.db.selectFrom("site_orders").select("id").where("platform_order_id", "=", order.id).execute()).toEqual([]);
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
    expect((await get(w.p, PLATFORM_HOST.host, "/account", u.jar)).html).toContain(`/orders/${placed.uuid}`);

    const funds = await get(w.p, PLATFORM_HOST.host, "/funds", u.jar);
    expect(funds.html).toContain("Orange Money");
    const declared = await post(w.p, PLATFORM_HOST.host, "/funds", u.jar, {
      _csrf: csrfFrom(funds.html),
      method: "wave",
      amount: "5000",
      reference: "WAVE-PLATFORM-1",
      confirm: "yes",
    });
    expect(declared.res.status).toBe(303);
    expect((await get(w.p, PLATFORM_HOST.host, "/funds", u.jar)).html).toContain("WAVE-PLATFORM-1");
  });
});
