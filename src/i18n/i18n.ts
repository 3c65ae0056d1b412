import { adminDashboardMessages } from "./messages/admin-dashboard.ts";
import { fill, type Params } from "./catalogue.ts";
import { LANGS, type Lang } from "./lang.ts";
import { adminCatalogueMessages } from "./messages/admin-catalogue.ts";
import { adminConsoleMessages } from "./messages/admin-console.ts";
import { adminDepositMessages } from "./messages/admin-deposits.ts";
import { adminUserMessages } from "./messages/admin-users.ts";
import { adminSupportMessages } from "./messages/admin-support.ts";
import { adminOrdersMessages } from "./messages/admin-orders.ts";
import { contentPageMessages } from "./messages/content-pages.ts";
import { adminWhiteLabelMessages } from "./messages/admin-white-label.ts";
import { adminAuditMessages } from "./messages/admin-audit.ts";
import { adminExportsMessages } from "./messages/admin-exports.ts";
import { adminSettingsMessages } from "./messages/admin-settings.ts";
import { mailMessages } from "./messages/mail.ts";
import { orderMessages } from "./messages/orders.ts";
import { orderFieldMessages } from "./messages/order-fields.ts";
import { ownerNoticeMessages } from "./messages/owner-notices.ts";
import { providerMessages } from "./messages/providers.ts";
import { referralMessages } from "./messages/referrals.ts";
import { subscriptionMessages } from "./messages/subscription.ts";
import { siteCatalogueMessages } from "./messages/site-catalogue.ts";
import { supportMessages } from "./messages/support.ts";
import { whiteLabelMessages } from "./messages/white-label.ts";
import { walletMessages } from "./messages/wallet.ts";
import { gatewayMessages } from "./messages/gateways.ts";

/** Every feature's catalogue; pages keep theirs in themes/<name>/locales and read them through the same fill(). */
export const CATALOGUES = {
  adminCatalogueMessages,
  adminConsoleMessages,
  adminDashboardMessages,
  adminSupportMessages,
  adminAuditMessages,
  adminDepositMessages,
  adminExportsMessages,
  adminOrdersMessages,
  adminSettingsMessages,
  adminUserMessages,
  adminWhiteLabelMessages,
  contentPageMessages,
  gatewayMessages,
  mailMessages,
  orderMessages,
  orderFieldMessages,
  ownerNoticeMessages,
  providerMessages,
  referralMessages,
  subscriptionMessages,
  siteCatalogueMessages,
  supportMessages,
  whiteLabelMessages,
  walletMessages,
};

type Catalogues = typeof CATALOGUES;
export type MessageKey = { [C in keyof Catalogues]: keyof Catalogues[C]["fr"] & string }[keyof Catalogues];

const merged = (lang: Lang): Record<MessageKey, string> => Object.assign({}, ...Object.values(CATALOGUES).map((c) => c[lang]));
const MESSAGES: Record<Lang, Record<MessageKey, string>> = { fr: merged("fr"), en: merged("en") };

/** A notice's key: a message with both a ".title" and a ".body". */
type NoticeKey = { [K in MessageKey]: K extends `${infer P}.title` ? (`${P}.body` extends MessageKey ? P : never) : never }[MessageKey];

/** The one way code speaks to people: the message `key` in `lang`, its "{name}" placeholders filled. */
export function t(lang: Lang, key: MessageKey, params?: Params): string {
  return fill(MESSAGES[lang][key], lang, params);
}

/** The message in every language, e.g. as a placeholder of another message or for a bilingual e-mail. */
export function both(key: MessageKey, params?: Params): Record<Lang, string> {
  return Object.fromEntries(LANGS.map((lang) => [lang, t(lang, key, params)])) as Record<Lang, string>;
}

/** A notice's title and body in every language, for notifyLocalized / notifyAdmins. */
export function notice(key: NoticeKey, params?: Params): Record<Lang, { title: string; body: string }> {
  return Object.fromEntries(LANGS.map((lang) => [lang, { title: t(lang, `${key}.title`, params), body: t(lang, `${key}.body`, params) }])) as Record<
    Lang,
    { title: string; body: string }
  >;
}
