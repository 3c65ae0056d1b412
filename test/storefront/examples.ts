import { apiDocsData } from "../../src/storefront/api-docs.ts";
import {
  accountPageData,
  apiAccessData,
  depositRow,
  orderDetail,
  orderRow,
  paymentMethodView,
  ticketRow,
  TICKET_CATEGORIES,
  type Fmt,
} from "../../src/storefront/account-view.ts";
import { orderFieldStates } from "../../src/storefront/account-pages.ts";
import { serviceCard } from "../../src/storefront/catalog-view.ts";
import { brandCss } from "../../src/storefront/render.ts";
import { cleanSettings, type Theme } from "../../src/storefront/themes.ts";
import type { Lang } from "../../src/i18n/lang.ts";
import type { PageId } from "../../src/storefront/view-models.ts";
import { translatorFor, type Look } from "../../src/storefront/view.ts";
import type { PricedService } from "../../src/catalog/prices.ts";
import type { User } from "../../src/db/schema.ts";

export function lookOf(theme: Theme, stored: Record<string, unknown> = {}, name = "Demo Shop"): Look {
  const settings = cleanSettings(theme, stored);
  return {
    theme,
    settings,
    name,
    logoUrl: null,
    faviconUrl: "/favicon.ico",
    iconVersion: "0",
    baseUrl: "https://demo.example",
    defaultLanguage: "fr",
    currency: "XOF",
    paymentMethods: ["Orange Money", "Wave"],
    brandCss: brandCss(
      settings,
      theme.settings.filter((s) => s.type === "color").map((s) => s.id),
    ),
  };
}

export const exampleUser = {
  id: 1,
  uuid: "u",
  site_id: 0,
  username: "awa",
  email: "awa@example.com",
  password_hash: "",
  role: "user",
  balance: 12_500_000_000,
  referral_code: "X",
  referred_by: null,
  is_banned: 0,
  ban_reason: null,
  language: "fr",
  full_name: null,
  phone: null,
  email_verified_at: null,
  last_login_at: null,
  last_login_ip: null,
  deleted_at: null,
  created_at: "2026-01-01 00:00:00.000",
  updated_at: "2026-01-01 00:00:00.000",
} as User;

const service: PricedService = {
  id: 7,
  category_id: 1,
  category_name: "Instagram",
  category_name_fr: null,
  category_name_en: null,
  category_slug: "instagram",
  category_description: null,
  category_description_fr: null,
  category_description_en: null,
  category_featured: false,
  platform: "instagram",
  name: "Abonnés Instagram — qualité premium",
  description: "Démarrage en 10 minutes.\nRecharge 30 jours.",
  name_fr: null,
  name_en: null,
  description_fr: null,
  description_en: null,
  type: "Default",
  min: 100,
  max: 50_000,
  refill: true,
  cancel: true,
  dripfeed: true,
  rate: 1_250_500_000,
  cost: 1_000_000_000,
  site_cost: 1_000_000_000,
};

const order = {
  uuid: "0f8fad5b-d9cb-469f-a165-70867728950e",
  number: 1234,
  serviceName: { fr: service.name, en: service.name },
  link: "https://instagram.com/demo",
  quantity: 1000,
  charge: 1_250_500_000,
  status: "partial" as const,
  startCount: 1200,
  remains: 150,
  createdAt: "2026-03-12T14:05:00.000Z",
};

/** Example data for every page, as the routes (or other features' loaders) would give it. */
export function exampleData(id: PageId, lang: Lang, look: Look): { data: unknown; user: boolean } {
  const f: Fmt = { lang, currency: look.currency, t: translatorFor(look.theme, lang) };
  const card = serviceCard(service, "XOF", lang);
  const category = { slug: "instagram", name: "Instagram", platform: "instagram", count: 1, href: "/services?category=instagram", active: false };
  const form = { values: { username: "awa" }, errors: { email: ["Adresse e-mail invalide."], _: ["Erreur."] } };
  switch (id) {
    case "home":
      return { user: false, data: { categories: [category], popular: [card], stats: { services: "1", categories: "1", platforms: "1" } } };
    case "catalogue":
      return {
        user: false,
        data: {
          q: "abo",
          category: null,
          categories: [category],
          groups: [{ category, services: [card] }],
          total: 1,
          totalLabel: "1 service",
          pagination: { page: 1, pages: 2, prevHref: null, nextHref: "/services?page=2" },
        },
      };
    case "service":
      return { user: false, data: { service: card, examples: [{ quantity: "1 000", price: "1 250,5 XOF" }] } };
    case "login":
      return { user: false, data: { ...form, next: "/orders" } };
    case "login-two-factor":
      return { user: false, data: { values: { code: "123456" }, errors: { code: ["Code invalide."] }, next: "/orders" } };
    case "register":
      return { user: false, data: { ...form, next: "", closed: false } };
    case "password-forgot":
      return { user: false, data: { ...form, sent: false } };
    case "password-reset":
      return { user: false, data: { ...form, token: "abcdefgh" } };
    case "email-verify":
      return { user: false, data: { ...form, errors: { token: ["Ce lien ne fonctionne plus."] }, token: "abcdefgh" } };
    case "account-password":
      return { user: true, data: form };
    case "mass-order":
      return {
        user: true,
        data: {
          text: "7|https://instagram.com/a|1000\n7|nope|10",
          maxLines: 100,
          preview: {
            lines: [
              { line: 1, text: "7|https://instagram.com/a|1000", ok: true, message: "Abonnés · 1000 · 863 F CFA" },
              { line: 2, text: "7|nope|10", ok: false, message: "Lien : adresse invalide." },
            ],
            total: "863 F CFA",
            placeable: 1,
          },
          results: { lines: [{ line: 1, ok: true, message: "#12 · 863 F CFA", href: "/orders/x" }], placed: 1, failed: 0 },
          errors: { orders: ["Au moins une ligne."] },
          idempotencyKey: "k",
        },
      };
    case "content-page":
      return {
        user: false,
        data: {
          slug: "contact",
          contact: true,
          blocks: [
            { kind: "h2", parts: [{ text: "Titre" }] },
            { kind: "p", parts: [{ text: "Texte " }, { text: "gras", bold: true }, { text: "lien", href: "https://example.com" }] },
            { kind: "ul", items: [[{ text: "un" }], [{ text: "deux" }]] },
          ],
        },
      };
    case "api-docs":
      return { user: false, data: apiDocsData("https://izyboost.test", true, f.t) };
    case "referrals":
      return {
        user: true,
        data: {
          link: "https://izyboost.test/register?ref=AWA123",
          code: "AWA123",
          totals: {
            earned: "1 200 F CFA",
            month: "300 F CFA",
            pending: "86 F CFA",
            awaiting: "0 F CFA",
            cancelled: "0 F CFA",
            next: "19 mars 2026, 14:05",
            referrals: 2,
          },
          levels: [{ level: 1, rate: "10 %", referrals: 2, earned: "1 200 F CFA", pending: "86 F CFA" }],
          referred: [{ username: "koffi", level: 1, joined: "12 mars 2026, 14:05" }],
          commissions: [
            { who: "koffi", level: 1, amount: "86 F CFA", status: { tone: "pending", label: "En attente" }, available: "19 mars 2026", at: "12 mars 2026" },
          ],
          pagination: null,
        },
      };
    case "notifications":
      return {
        user: true,
        data: {
          unreadOnly: false,
          unread: 1,
          items: [
            {
              id: 1,
              title: "Commande terminée",
              body: "Votre commande est terminée.",
              at: "12 mars 2026, 14:05",
              read: false,
              href: "/orders/x",
              readAction: "/notifications/1/read",
            },
            { id: 2, title: "Dépôt crédité", body: "", at: "11 mars 2026, 09:00", read: true, href: null, readAction: "/notifications/2/read" },
          ],
          pagination: null,
        },
      };
    case "account-settings":
      return {
        user: true,
        data: {
          values: { full_name: "Awa Koné", phone: "call me", language: "fr" },
          errors: { phone: ["Numéro de téléphone invalide."] },
          twoFactor: {
            state: "pending",
            required: true,
            enabledAt: null,
            recoveryCodesLeft: 0,
            secretGroups: ["JBSW", "Y3DP", "EHPK", "3PXP", "JBSW", "Y3DP", "EHPK", "3PXP"],
            uri: "otpauth://totp/IzyBoost:awa%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=IzyBoost",
            recoveryCodes: ["abcde-fghij", "klmno-pqrst"],
            form: { name: "confirm", values: { code: "123456" }, errors: { code: ["Code invalide."] } },
          },
          languages: [
            { code: "fr", label: "Français" },
            { code: "en", label: "English" },
          ],
          sessions: [
            {
              id: "a".repeat(32),
              device: "Chrome sur Windows",
              ip: "198.51.100.7",
              createdAt: "12 mars 2026, 14:05",
              lastSeenAt: "12 mars 2026, 14:05",
              current: true,
            },
            {
              id: "b".repeat(32),
              device: "Safari sur iPhone",
              ip: "2001:db8::1",
              createdAt: "1 mars 2026, 09:00",
              lastSeenAt: "10 mars 2026, 18:30",
              current: false,
            },
          ],
          email: {
            values: { new_email: "awa.kone@example.com" },
            errors: { email_password: ["Le mot de passe actuel est incorrect."] },
            current: "awa@example.com",
            verified: false,
            pending: { email: "awa.new@example.com", until: "13 mars 2026, 14:05" },
          },
        },
      };
    case "account":
      return {
        user: true,
        data: accountPageData({ ordersCount: 3, activeOrders: 1, spent: 5_000_000_000, openTickets: 1, recentOrders: [order] }, "12 500 XOF", f),
      };
    case "order-new":
      return {
        user: true,
        data: {
          ...form,
          action: "/orders",
          groups: [
            {
              category: "Instagram",
              services: [
                {
                  id: 7,
                  label: card.name,
                  rateDecimal: card.rateDecimal,
                  price: card.price,
                  min: 100,
                  max: 50000,
                  type: "Default",
                  dripfeed: true,
                  selected: true,
                },
              ],
            },
          ],
          selected: card,
          fields: orderFieldStates({ type: "Default", dripfeed: true }),
          delays: [{ value: 0, label: "0" }],
          unlimitedPosts: 30,
          balance: "12 500 XOF",
          currency: "XOF",
        },
      };
    case "orders":
      return { user: true, data: { orders: [orderRow(order, f)], filters: [{ href: "/orders", label: "x", active: true }], pagination: null } };
    case "order":
      return {
        user: true,
        data: {
          order: orderDetail(
            {
              ...order,
              serviceId: 7,
              refunded: 187_575_000,
              runs: 2,
              interval: 30,
              completedAt: "2026-03-13T10:00:00Z",
              canRefill: true,
              canCancel: false,
              refillPending: false,
            },
            f,
          ),
        },
      };
    case "funds-gateway":
      return {
        user: true,
        data: {
          values: { gateway: "7", amount: "5000" },
          errors: {},
          action: "/funds/gateway",
          currency: "XOF",
          gateways: [
            paymentMethodView(
              {
                code: "7",
                name: "CinetPay",
                type: "gateway",
                instructions: { fr: null, en: null },
                accountName: null,
                accountNumber: null,
                minAmount: 100_000_000,
                maxAmount: null,
                feeBp: 150,
                feeFixed: 0,
              },
              true,
              f,
            ),
          ],
          preview: { gateway: "CinetPay", amount: "5 000 F CFA", fee: "75 F CFA", credited: "4 925 F CFA" },
          idempotencyKey: "k",
        },
      };
    case "funds-payment":
      return {
        user: true,
        data: {
          gateway: "CinetPay",
          status: { tone: "pending", label: "En attente" },
          statusText: "…",
          amount: "5 000 F CFA",
          confirmedAmount: null,
          fee: null,
          credited: null,
          createdAt: "12/03/2026",
          pending: true,
          refreshSeconds: 5,
          checkoutUrl: "https://checkout.example/pay",
          goNow: false,
        },
      };
    case "funds":
      return {
        user: true,
        data: {
          ...form,
          action: "/funds",
          balance: "12 500 XOF",
          currency: "XOF",
          methods: [
            paymentMethodView(
              {
                code: "wave",
                name: "Wave",
                type: "mobile_money",
                instructions: { fr: "Envoyez…", en: "Send…" },
                accountName: "Demo",
                accountNumber: "+225 07",
                minAmount: 500_000_000,
                maxAmount: 5_000_000_000_000,
                feeBp: 100,
                feeFixed: 0,
              },
              true,
              f,
            ),
          ],
          gateways: [
            paymentMethodView(
              {
                code: "7",
                name: "CinetPay",
                type: "gateway",
                instructions: { fr: null, en: null },
                accountName: null,
                accountNumber: null,
                minAmount: 100_000_000,
                maxAmount: null,
                feeBp: 150,
                feeFixed: 0,
              },
              true,
              f,
            ),
          ],
          gatewayAction: "/funds/gateway",
          deposits: [
            depositRow(
              {
                uuid: "d",
                method: "Wave",
                amount: 5_000_000_000,
                fee: 0,
                credited: 5_000_000_000,
                note: null,
                reference: "TX123",
                status: "pending",
                createdAt: "2026-03-12T10:00:00Z",
              },
              f,
            ),
          ],
        },
      };
    case "tickets":
      return {
        user: true,
        data: {
          tickets: [
            ticketRow(
              { uuid: "t", subject: "Commande bloquée", category: "order", status: "answered", lastReplyAt: null, createdAt: "2026-03-12T10:00:00Z" },
              f,
            ),
          ],
          pagination: null,
        },
      };
    case "ticket-new":
      return {
        user: true,
        data: {
          ...form,
          action: "/tickets",
          categories: TICKET_CATEGORIES.map((v) => ({ value: v, label: f.t(`ticket.category.${v}`), selected: v === "order" })),
        },
      };
    case "ticket":
      return {
        user: true,
        data: {
          values: {},
          errors: {},
          replyAction: "/tickets/t/reply",
          closed: false,
          ticket: ticketRow(
            { uuid: "t", subject: "Commande bloquée", category: "order", status: "open", lastReplyAt: null, createdAt: "2026-03-12T10:00:00Z" },
            f,
          ),
          messages: [
            { fromStaff: false, author: "awa", message: "Bonjour,\nma commande…", createdAt: "le 12 mars" },
            { fromStaff: true, author: "support", message: "C'est réglé.", createdAt: "le 12 mars" },
          ],
        },
      };
    case "api-access":
      return {
        user: true,
        data: apiAccessData(
          "https://demo.example/api/v2",
          { key: { name: "default", prefix: "sk_ab12", createdAt: "2026-03-01T00:00:00Z", lastUsedAt: null }, newKey: "sk_ab12_secret" },
          f,
        ),
      };
    case "not-found":
      return { user: false, data: { status: 404, title: f.t("error.404_title"), message: f.t("error.404_text") } };
    case "unavailable":
      return { user: false, data: { status: 503, title: f.t("error.503_title"), message: f.t("error.503_text") } };
    case "error":
      return { user: false, data: { status: 403, title: f.t("error.403_title"), message: f.t("error.403_text") } };
  }
}
