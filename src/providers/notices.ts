import type { Ctx } from "../context.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { adminNoticeEmail } from "../mail/templates.ts";
import { notifyLocalized } from "../notifications/localized.ts";
import { onPlatform } from "../tenancy/scoped.ts";

type Texts = { fr: { title: string; body: string }; en: { title: string; body: string } };

/** Tells every platform admin, in their language: an in-app notice and an e-mail. */
export async function notifyAdmins(ctx: Ctx, n: { type: string; data?: unknown } & Texts): Promise<number> {
  const admins = await onPlatform(ctx.db)
    .selectFrom("users")
    .select(["id", "email", "language", "email_verified_at"])
    .where("role", "=", "admin")
    .where("is_banned", "=", 0)
    .where("deleted_at", "is", null)
    .execute();
  for (const admin of admins) {
    await notifyLocalized(ctx, admin.id, n);
    sendTenantMail(ctx, admin, (p) => adminNoticeEmail({ ...p, fr: n.fr, en: n.en, url: `${p.baseUrl}/admin` }));
  }
  return admins.length;
}
