import { afterAll, beforeAll, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../support/platform.ts";

interface Received {
  to: string[];
  raw: string;
}

async function startSmtp(): Promise<{ port: number; inbox: Received[]; close(): Promise<void> }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, cb) {
      let raw = "";
      stream.on("data", (d: Buffer) => (raw += d.toString("utf8")));
      stream.on("end", () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, inbox, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Quoted-printable soft breaks and escapes undone, so assertions read the text. */
function decode(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

describeEachDialect("welcome e-mail over real SMTP", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
    p = await makePlatform(dialect, { MAIL_HOST: "127.0.0.1", MAIL_PORT: String(smtp.port), MAIL_ENCRYPTION: "none", MAIL_FROM_ADDRESS: "noreply@izyboost.test" });
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  it("a new user receives a welcome in French then English, with a link to the platform's stored URL", async () => {
    const username = uniqueName();
    const res = await p.request("/api/register", { method: "POST", host: "localhost:9999", json: { username, email: `${username}@example.com`, password: "long-enough-1" } });
    expect(res.status).toBe(201);
    await p.services.mailer.flush();
    const mail = smtp.inbox.find((m) => m.to.includes(`${username}@example.com`));
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
    const text = decode(smtp.inbox.find((m) => m.to.includes(`${username}@example.com`))!.raw);
    expect(text).toMatch(/Subject: Welcome to IzyBoost/);
    expect(text.indexOf("Welcome to")).toBeLessThan(text.indexOf("Bienvenue"));
  });
});
