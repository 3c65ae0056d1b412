import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { createMailer } from "../../src/mail/mailer.ts";
import type { Logger } from "../../src/lib/logger.ts";

/** A logger that keeps its warnings. */
function keptWarnings(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const none = () => {};
  return { warnings, logger: { debug: none, info: none, error: none, warn: (msg) => warnings.push(msg) } };
}

describe("the address white-label sites' mails are sent from", () => {
  const smtp = { MAIL_HOST: "127.0.0.1", MAIL_PORT: "2525", MAIL_ENCRYPTION: "none" };

  it("warns at start when it would name the platform (MAIL_SITES_FROM_ADDRESS unset, the platform's address used)", () => {
    const { logger, warnings } = keptWarnings();
    createMailer(loadConfig({ ...smtp, MAIL_FROM_ADDRESS: "noreply@izy-boost.com" }), logger).close();
    expect(warnings).toEqual([expect.stringContaining("MAIL_SITES_FROM_ADDRESS")]);
  });

  it("says nothing with a neutral address for sites, or when no mail is sent at all", () => {
    const { logger, warnings } = keptWarnings();
    createMailer(loadConfig({ ...smtp, MAIL_FROM_ADDRESS: "noreply@izyboost.com", MAIL_SITES_FROM_ADDRESS: "noreply@shop-mail.net" }), logger).close();
    createMailer(loadConfig({ MAIL_FROM_ADDRESS: "noreply@izyboost.com" }), logger).close();
    expect(warnings).toEqual([]);
  });
});
