import { afterAll, beforeAll, expect, it } from "vitest";
import { notify } from "../../src/notifications/notify.ts";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, insertSite, post, registerThroughForm } from "../storefront/helpers.ts";

describeEachDialect("notifications page and the header's count", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  const userId = async (username: string) =>
    (await p.services.db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;

  it("lists the user's notifications, counts the unread in the header, opens one where it leads and marks all read", async () => {
    const me = await registerThroughForm(p, "izyboost.test");
    const id = await userId(me.username);
    const ctx = p.ctx();
    await notify(ctx, id, {
      type: "order_completed",
      title: "Commande terminée",
      body: "Votre commande est terminée.",
      data: { order_uuid: "0f0f0f0f-1111-4222-8333-444455556666" },
    });
    await notify(ctx, id, { type: "deposit_approved", title: "Dépôt crédité", body: "5 000 XOF crédités." });
    await notify(ctx, id, { type: "deposit_rejected", title: "Dépôt refusé <b>", body: "Référence introuvable." });

    const page = await get(p, "izyboost.test", "/notifications", me.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("Commande terminée");
    expect(page.html).toContain("Dépôt refusé &lt;b&gt;");
    expect(page.html).toMatch(/class="bell-count"[^>]*>3</);
    // Any signed-in page shows the count; the account menu links the page.
    const account = await get(p, "izyboost.test", "/account", me.jar);
    expect(account.html).toMatch(/class="bell-count"[^>]*>3</);
    expect(account.html).toContain('href="/notifications"');

    const order = await p.services.db
      .selectFrom("notifications")
      .select("id")
      .where("user_id", "=", id)
      .where("type", "=", "order_completed")
      .executeTakeFirstOrThrow();
    const opened = await post(p, "izyboost.test", `/notifications/${order.id}/read`, me.jar, { _csrf: csrfFrom(page.html), go: "1" });
    expect(opened.res.status).toBe(303);
    expect(opened.res.headers.get("location")).toBe("/orders/0f0f0f0f-1111-4222-8333-444455556666");
    const unread = await get(p, "izyboost.test", "/notifications?unread=1", me.jar);
    expect(unread.html).not.toContain("Commande terminée");
    expect(unread.html).toMatch(/class="bell-count"[^>]*>2</);

    const all = await post(p, "izyboost.test", "/notifications/read-all", me.jar, { _csrf: csrfFrom(page.html) });
    expect(all.res.headers.get("location")).toBe("/notifications?flash=notifications_read");
    const after = await get(p, "izyboost.test", "/notifications", me.jar);
    expect(after.html).not.toContain('class="bell-count"');
    const left = await p.services.db.selectFrom("notifications").select("id").where("user_id", "=", id).where("read_at", "is", null).execute();
    expect(left).toEqual([]);
  });

  it("never shows or touches another user's notification, on another tenant either; a foreign form is refused", async () => {
    const site = await insertSite(p);
    const owner = await registerThroughForm(p, "izyboost.test");
    const other = await registerThroughForm(p, site.host);
    await notify(p.ctx(), await userId(owner.username), { type: "deposit_approved", title: "Private to the owner" });
    const theirs = await p.services.db.selectFrom("notifications").select("id").where("title", "=", "Private to the owner").executeTakeFirstOrThrow();
    const page = await get(p, site.host, "/notifications", other.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).not.toContain("Private to the owner");
    const res = await post(p, site.host, `/notifications/${theirs.id}/read`, other.jar, { _csrf: csrfFrom(page.html) });
    expect(res.res.status).toBe(404);
    const forged = await post(p, "izyboost.test", `/notifications/${theirs.id}/read`, owner.jar, { _csrf: "forged" });
    expect(forged.res.status).toBe(403);
    const row = await p.services.db.selectFrom("notifications").select("read_at").where("id", "=", theirs.id).executeTakeFirstOrThrow();
    expect(row.read_at).toBeNull();
    // Anonymous visitors are asked to sign in.
    const anon = await p.request("/notifications");
    expect(anon.status).toBe(303);
  });
});
