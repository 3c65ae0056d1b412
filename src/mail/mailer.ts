import nodemailer from "nodemailer";
import type { Config } from "../config/config.ts";
import type { Logger } from "../lib/logger.ts";

interface MailMessage {
  to: string;
  /** The sender's display name (the tenant's brand); the configured MAIL_FROM_NAME otherwise. */
  fromName?: string;
  /** Sent for a white-label site: from MAIL_SITES_FROM_ADDRESS when it is set. */
  forSite?: boolean;
  /** Where the recipient's replies go (a site's contact e-mail); none: the sending address. */
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /**
   * Queues a message, or one still being made (flush waits for it); failures are logged, never thrown
   * into the request that caused the mail.
   */
  send(msg: MailMessage | Promise<MailMessage | null>): void;
  /** Resolves when every queued message has been handed to the SMTP server (tests, shutdown). */
  flush(): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer when MAIL_HOST is set; otherwise mails are logged (recipient and subject only). */
export function createMailer(config: Config, logger: Logger): Mailer {
  const pending = new Set<Promise<unknown>>();
  const from = { name: config.MAIL_FROM_NAME, address: config.MAIL_FROM_ADDRESS };
  const siteAddress = config.MAIL_SITES_FROM_ADDRESS ?? config.MAIL_FROM_ADDRESS;
  const platformName = config.APP_NAME.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (
    config.MAIL_HOST &&
    platformName &&
    siteAddress
      .toLowerCase()
      .replace(/[^a-z0-9@]/g, "")
      .includes(platformName)
  )
    logger.warn("white-label sites' mails are sent from an address that names the platform: set MAIL_SITES_FROM_ADDRESS to a neutral one", {
      address: siteAddress,
    });
  const transport = config.MAIL_HOST
    ? nodemailer.createTransport({
        host: config.MAIL_HOST,
        port: config.MAIL_PORT,
        secure: config.MAIL_ENCRYPTION === "ssl",
        requireTLS: config.MAIL_ENCRYPTION === "tls",
        ignoreTLS: config.MAIL_ENCRYPTION === "none",
        auth: config.MAIL_USERNAME ? { user: config.MAIL_USERNAME, pass: config.MAIL_PASSWORD ?? "" } : undefined,
      })
    : null;
  const mailer: Mailer = {
    send(msg) {
      if (msg instanceof Promise) {
        const made = msg
          .then((m) => m && mailer.send(m))
          .catch((err: unknown) => logger.error("mail not made", { error: err instanceof Error ? err.message : String(err) }))
          .finally(() => pending.delete(made));
        pending.add(made);
        return;
      }
      if (!transport) {
        logger.info("mail not sent: MAIL_HOST is not configured", { to: msg.to, subject: msg.subject });
        return;
      }
      const p = transport
        .sendMail({
          from: { name: msg.fromName ?? from.name, address: msg.forSite ? siteAddress : from.address },
          ...(msg.replyTo ? { replyTo: msg.replyTo } : {}),
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
        })
        .catch((err: unknown) =>
          logger.error("mail delivery failed", { to: msg.to, subject: msg.subject, error: err instanceof Error ? err.message : String(err) }),
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async flush() {
      while (pending.size) await Promise.all([...pending]);
    },
    close() {
      transport?.close();
    },
  };
  return mailer;
}
