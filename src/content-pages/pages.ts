import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { t, type MessageKey } from "../i18n/i18n.ts";
import { publicPage, type Storefront } from "../storefront/respond.ts";
import type { ContentPageData } from "../storefront/view-models.ts";
import { parseMarkdown } from "./markdown.ts";
import { contentPage, PAGE_SLUGS, type PageSlug, pageText } from "./service.ts";

const DEFAULTS: Record<PageSlug, MessageKey> = {
  faq: "content.faq.default",
  terms: "content.terms.default",
  contact: "content.contact.default",
};

/** /faq, /terms and /contact on every tenant: what its admin or owner wrote, else a default in the tenant's name. */
export function contentPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  for (const slug of PAGE_SLUGS) {
    app.get(`/${slug}`, (c) =>
      publicPage<ContentPageData>(c, sf, { id: "content-page" }, async ({ look, visit, t: tt }) => {
        const page = await contentPage(ctxOf(c), slug);
        const written = pageText(page, visit.lang);
        const source = written ?? t(visit.lang, DEFAULTS[slug], { brand: look.name });
        const heading = tt(`content.${slug}_title`);
        return { data: { slug, blocks: parseMarkdown(source), contact: slug === "contact" }, heading, title: heading };
      }),
    );
  }
  return app;
}
