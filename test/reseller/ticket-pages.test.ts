import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { auditRows } from "../harness/audit.ts";
import { missingTranslations } from "../../src/storefront/view.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { customerOf, customerTicket, whiteLabelPlatform } from "./helpers.ts";
import { ownerThroughForms } from "../white-label/helpers.ts";

const HOST = "izyboost.test";

describeEachDialect("a reseller's support inbox on the platform's pages", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  const owner = () => ownerThroughForms(p, { siteName: "Boost Support", slugPrefix: "tk" });

  it("lists the site's tickets by status, shows the conversation, replies (the customer is told) and closes, in French and English", async () => {
    const o = await owner();
    const customer = await customerOf(p, o.r);
    const late = await customerTicket(p, o.r, customer, "Commande en retard");
    const other = await customerTicket(p, o.r, customer, "Question de facture");

    const home = await get(p, HOST, o.base, o.jar);
    expect(home.html).toContain(`href="${o.base}/tickets"`);
    expect(home.html).toContain(`href="${o.base}/tickets/${late.uuid}"`);
    expect(home.html).not.toContain("/api/white-label/sites/");

    const inbox = await get(p, HOST, `${o.base}/tickets`, o.jar);
    expect(inbox.res.status).toBe(200);
    expect(inbox.html).toContain("Commande en retard");
    expect(inbox.html).toContain("Question de facture");
    expect(inbox.html).toContain(customer.username);

    const page = await get(p, HOST, `${o.base}/tickets/${late.uuid}`, o.jar);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("Bonjour, où en est ma commande ?");
    expect(page.html).toContain(`action="${o.base}/tickets/${late.uuid}/reply"`);
    const csrf = csrfFrom(page.html);

    // An empty reply keeps the page, names the field and sends nothing.
    const empty = await post(p, HOST, `${o.base}/tickets/${late.uuid}/reply`, o.jar, { _csrf: csrf, message: "   " });
    expect(empty.res.status).toBe(422);
    expect(empty.html).toContain('id="f-message-error"');
    expect(empty.html).toContain("Écrivez une réponse");
    expect(empty.html).toContain('aria-invalid="true"');

    const replied = await post(p, HOST, `${o.base}/tickets/${late.uuid}/reply`, o.jar, { _csrf: csrf, message: "Elle part aujourd'hui." });
    expect(replied.res.status).toBe(303);
    expect(replied.res.headers.get("location")).toBe(`${o.base}/tickets/${late.uuid}?done=replied`);
    const after = await get(p, HOST, replied.res.headers.get("location")!, o.jar);
    expect(after.html).toContain("Réponse envoyée ; le client est prévenu.");
    expect(after.html).toContain("Elle part aujourd&#39;hui.");
    const row = await p.services.db.selectFrom("tickets").selectAll().where("uuid", "=", late.uuid).executeTakeFirstOrThrow();
    expect(row.status).toBe("answered");
    expect(row.assigned_to).toBe(o.user.id);
    const notes = await p.services.db.selectFrom("notifications").select("type").where("user_id", "=", customer.id).execute();
    expect(notes.map((n) => n.type)).toContain("ticket.staff_replied");
    expect(await auditRows(p, "ticket.reply", late.uuid)).toHaveLength(1);

    // The status filter: only the answered one.
    const answered = await get(p, HOST, `${o.base}/tickets?status=answered`, o.jar);
    expect(answered.html).toContain("Commande en retard");
    expect(answered.html).not.toContain("Question de facture");
    expect(answered.html).toContain(`href="${o.base}/tickets?status=answered" aria-current="true"`);

    const closed = await post(p, HOST, `${o.base}/tickets/${other.uuid}/close`, o.jar, { _csrf: csrf });
    expect(closed.res.headers.get("location")).toBe(`${o.base}/tickets/${other.uuid}?done=closed`);
    expect((await p.services.db.selectFrom("tickets").select("status").where("uuid", "=", other.uuid).executeTakeFirstOrThrow()).status).toBe("closed");
    expect(await auditRows(p, "ticket.close", other.uuid)).toHaveLength(1);
    const closedPage = await get(p, HOST, `${o.base}/tickets/${other.uuid}?done=closed`, o.jar);
    expect(closedPage.html).toContain("Le ticket est fermé ; le client est prévenu.");
    expect(closedPage.html).not.toContain(`action="${o.base}/tickets/${other.uuid}/close"`);
    const onlyClosed = await get(p, HOST, `${o.base}/tickets?status=closed`, o.jar);
    expect(onlyClosed.html).toContain("Question de facture");
    expect(onlyClosed.html).not.toContain("Commande en retard");

    for (const path of [`${o.base}/tickets?lang=en`, `${o.base}/tickets/${late.uuid}?done=replied&lang=en`]) {
      const en = await get(p, HOST, path, o.jar);
      expect(en.html).toContain('<html lang="en"');
      expect(en.html).not.toMatch(/\b(undefined|NaN|\[object Object\])\b/);
    }
    expect((await get(p, HOST, `${o.base}/tickets?lang=en`, o.jar)).html).toContain("Back to the site");
    expect((await get(p, HOST, `${o.base}/tickets/${late.uuid}?done=replied&lang=en`, o.jar)).html).toContain("Reply sent; the customer is notified.");
    expect([...missingTranslations()]).toEqual([]);
  });

  it("another reseller gets a 404 for the inbox, a ticket and its forms, and nothing changes", async () => {
    const a = await owner();
    const b = await owner();
    const ticket = await customerTicket(p, a.r, await customerOf(p, a.r), "Privé");
    const ownTicket = await customerTicket(p, b.r, await customerOf(p, b.r), "À moi");
    const csrf = csrfFrom((await get(p, HOST, `${b.base}/tickets`, b.jar)).html);
    expect((await get(p, HOST, `${a.base}/tickets`, b.jar)).res.status).toBe(404);
    expect((await get(p, HOST, `${a.base}/tickets/${ticket.uuid}`, b.jar)).res.status).toBe(404);
    // B's own site with A's ticket: not found either.
    expect((await get(p, HOST, `${b.base}/tickets/${ticket.uuid}`, b.jar)).res.status).toBe(404);
    for (const base of [a.base, b.base]) {
      expect((await post(p, HOST, `${base}/tickets/${ticket.uuid}/reply`, b.jar, { _csrf: csrf, message: "pris" })).res.status).toBe(404);
      expect((await post(p, HOST, `${base}/tickets/${ticket.uuid}/close`, b.jar, { _csrf: csrf })).res.status).toBe(404);
    }
    const row = await p.services.db.selectFrom("tickets").selectAll().where("uuid", "=", ticket.uuid).executeTakeFirstOrThrow();
    expect(row.status).toBe("open");
    expect(await p.services.db.selectFrom("ticket_messages").select("id").where("ticket_id", "=", row.id).execute()).toHaveLength(1);
    // The owner still reaches their own ticket; a signed-out visitor is sent to log in.
    expect((await get(p, HOST, `${b.base}/tickets/${ownTicket.uuid}`, b.jar)).res.status).toBe(200);
    const anonymous = await get(p, HOST, `${a.base}/tickets`, new Jar());
    expect(anonymous.res.status).toBe(303);
  });
});
