import { afterAll, beforeAll, expect, it } from "vitest";
import { plainSpaces } from "../harness/money.ts";
import { decode, startSmtp } from "../harness/smtp.ts";
import { body, describeEachDialect, makePlatform, markEmailVerified, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { addService, adminToken, closeWorld, fundedUser, orderWorld, place } from "../orders/support.ts";

describeEachDialect("welcome e-mail over real SMTP", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(dialect, {
      MAIL_HOST: "127.0.0.1",
      MAIL_PORT: String(smtp.port),
      MAIL_ENCRYPTION: "none",
      MAIL_FROM_ADDRESS: "noreply@izyboost.test",
    });
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  it("a new user receives a welcome in French then English, with a link to the platform's stored URL", async () => {
    const username = uniqueName();
    const res = await p.request("/api/register", {
      method: "POST",
      host: "localhost:9999",
      json: { username, email: `${username}@example.com`, password: "long-enough-1" },
    });
    expect(res.status).toBe(201);
    await p.services.mailer.flush();
    const mail = smtp.inbox.find((m) => m.to.includes(`${username}@example.com`) && decode(m.raw).includes("/login"));
    expect(mail).toBeDefined();
    const text = decode(mail!.raw);
    expect(text).toContain("Bienvenue sur IzyBoost");
    expect(text).toContain("Welcome to IzyBoost");
    expect(text.indexOf("Bienvenue")).toBeLessThan(text.indexOf("Welcome to"));
    expect(text).toContain("http://izyboost.test/login");
    expect(text).not.toContain("localhost:9999");
  });

  it("an English-speaking user gets English first", async () => {
    const username = uniqueName();
    await p.request("/api/register", { method: "POST", json: { username, email: `${username}@example.com`, password: "long-enough-1", language: "en" } });
    await p.services.mailer.flush();
    const text = decode(smtp.inbox.find((m) => m.to.includes(`${username}@example.com`) && m.raw.includes("Subject: Welcome"))!.raw);
    expect(text).toMatch(/Subject: Welcome to IzyBoost/);
    expect(text.indexOf("Welcome to")).toBeLessThan(text.indexOf("Bienvenue"));
  });
});

describeEachDialect("order confirmation and ticket reply e-mails over real SMTP", (dialect) => {
  let w: Awaited<ReturnType<typeof orderWorld>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    w = await orderWorld(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none" });
  });
  afterAll(async () => {
    await closeWorld(w);
    await smtp.close();
  });

  it("a web order is confirmed by e-mail with its amount and link; an API order is not", async () => {
    const service = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "10000");
    await markEmailVerified(w.p, u.user.id);
    const placed = await place(w, u.token, { service_id: service.id, link: "https://instagram.com/x", quantity: 1000 });
    expect(placed.status).toBe(201);
    await w.p.services.mailer.flush();
    const mails = smtp.inbox.filter((m) => m.to.includes(u.user.email));
    const confirmation = mails.map((m) => decode(m.raw)).find((t) => t.includes("Commande"));
    // The amount by Intl in each language (decode() leaves UTF-8 bytes as Latin-1 characters).
    const utf8 = plainSpaces(Buffer.from(confirmation ?? "", "latin1").toString("utf8"));
    expect(utf8).toContain("pour 1 000 F CFA.");
    expect(utf8).toContain("for F CFA 1,000.");
    expect(confirmation).toContain(`http://izyboost.test/orders/${placed.order.uuid}`);
    expect(confirmation).toContain("received");
  });

  it("a support reply reaches the customer by e-mail with the reply text", async () => {
    const u = await fundedUser(w, "0");
    await markEmailVerified(w.p, u.user.id);
    const admin = await adminToken(w);
    const t = await body(
      await w.p.request("/api/tickets", {
        method: "POST",
        token: u.token,
        json: { subject: "Où est ma commande ?", message: "Bonjour", category: "order", priority: "normal" },
      }),
    );
    const reply = await w.p.request(`/api/admin/support/tickets/${t.data.uuid}/reply`, {
      method: "POST",
      token: admin,
      json: { message: "Elle arrive demain." },
    });
    expect(reply.status).toBe(200);
    await w.p.services.mailer.flush();
    const text = smtp.inbox
      .filter((m) => m.to.includes(u.user.email))
      .map((m) => decode(m.raw))
      .find((x) => x.includes("Elle arrive demain."));
    expect(text).toBeDefined();
    expect(text).toContain(`/tickets/${t.data.uuid}`);
  });
});
