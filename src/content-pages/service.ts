import { z } from "zod";
import type { Ctx } from "../context.ts";
import { writeAudit } from "../audit/audit.ts";
import { NotFound } from "../core/errors.ts";
import type { Lang } from "../i18n/lang.ts";
import { dbNow } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** The pages a tenant writes for its visitors: the platform's by its admins, a site's by its owner. */
export const PAGE_SLUGS = ["faq", "terms", "contact"] as const;
export type PageSlug = (typeof PAGE_SLUGS)[number];

const body = z
  .string({ error: "Text (Markdown) or null" })
  .max(20_000, "At most 20,000 characters")
  .refine((s) => !s.includes("\u0000"), "Contains a forbidden character")
  .nullable()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : null));

export const contentPageBody = z.object({ body_fr: body, body_en: body });
type ContentPageInput = z.infer<typeof contentPageBody>;

export function pageSlugOf(raw: string): PageSlug {
  if (!(PAGE_SLUGS as readonly string[]).includes(raw)) throw new NotFound("Page not found");
  return raw as PageSlug;
}

interface ContentPage {
  slug: PageSlug;
  body_fr: string | null;
  body_en: string | null;
  updated_at: string | null;
}

/** The tenant's text of a page (nulls when it wrote none: the page shows its default). */
export async function contentPage(ctx: Ctx, slug: PageSlug): Promise<ContentPage> {
  const row = await inTenant(ctx).selectFrom("content_pages").select(["body_fr", "body_en", "updated_at"]).where("slug", "=", slug).executeTakeFirst();
  return { slug, body_fr: row?.body_fr ?? null, body_en: row?.body_en ?? null, updated_at: row?.updated_at ?? null };
}

/** The text to show in a language: the page language's, else the other one, else null. */
export function pageText(page: ContentPage, lang: Lang): string | null {
  return (lang === "fr" ? (page.body_fr ?? page.body_en) : (page.body_en ?? page.body_fr)) ?? null;
}

/** Writes a page of the tenant (the caller is its admin or owner: the mount says so); the page cache follows. */
export async function saveContentPage(ctx: Ctx, slug: PageSlug, input: ContentPageInput): Promise<ContentPage> {
  const now = dbNow(ctx.clock);
  const values = { body_fr: input.body_fr ?? null, body_en: input.body_en ?? null, updated_at: now };
  const res = await inTenant(ctx).updateTable("content_pages").set(values).where("slug", "=", slug).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0)
    await inTenant(ctx)
      .insertInto("content_pages", { slug, ...values, created_at: now })
      .execute();
  await writeAudit(ctx, {
    action: "content_page.update",
    targetType: "content_page",
    targetId: slug,
    data: { fr: values.body_fr?.length ?? 0, en: values.body_en?.length ?? 0 },
  });
  ctx.events.siteChanged(ctx.tenant.siteId);
  return contentPage(ctx, slug);
}
