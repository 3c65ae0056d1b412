import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { getSetting } from "../settings/service.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import type { PlatformPageId, Translate } from "../storefront/view-models.ts";
import { sectionsFor } from "./sections.ts";
import { t, type MessageKey } from "../i18n/i18n.ts";
import type { Params } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";

/** What every console template reads beside its own data: the section navigation and the console's words. */
interface ConsoleFrame {
  nav: { href: string; label: string; active: boolean }[];
  role: string;
  /** The platform is closed for maintenance: staff see it on every console page. */
  maintenance: boolean;
  tx: (key: MessageKey, params?: Params) => string;
}

/** How a console page formats: the page language, the platform currency, the console's words. */
export interface ConsoleFormat {
  lang: Lang;
  currency: string;
  tx: ConsoleFrame["tx"];
  /** The theme's words (status badges, pagination). */
  t: Translate;
}

interface ConsoleData<D> {
  console: ConsoleFrame;
  page: D;
}

/** Renders a console page in the platform theme, with the sections the signed-in staff member may open. */
export async function consolePage<D>(
  c: Context<AppEnv>,
  sf: Storefront,
  opts: { id: PlatformPageId; section: string; heading: MessageKey; status?: number },
  build: (f: ConsoleFormat) => Promise<D>,
): Promise<Response> {
  const req = await pageRequest(c, sf);
  const lang = req.visit.lang;
  const tx: ConsoleFrame["tx"] = (key, params) => t(lang, key, params);
  const role = c.get("user")?.role ?? "user";
  const frame: ConsoleFrame = {
    role: tx(role === "admin" ? "admin.role.admin" : "admin.role.support"),
    maintenance: (await getSetting(ctxOf(c), "maintenance_page")) === "1",
    tx,
    nav: sectionsFor(role).map((s) => ({ href: s.path, label: tx(s.label), active: s.id === opts.section })),
  };
  const heading = tx(opts.heading);
  const data: ConsoleData<D> = { console: frame, page: await build({ lang, currency: req.look.currency, tx, t: req.t }) };
  return render(c, req, { id: opts.id, status: opts.status, heading, title: `${heading} · ${tx("admin.console")}` }, data);
}
