import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { signedIn } from "../auth/middleware.ts";
import { isStaff, staffActionOf, staffMay } from "../auth/roles.ts";
import { mustEnrolTwoFactor } from "../auth/two-factor.ts";
import { Forbidden } from "../core/errors.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { guarded, platformOnly } from "../http/guard.ts";
import type { Storefront } from "../storefront/respond.ts";
import { dashboardPage, dashboardQuery } from "./dashboard.ts";
import { consolePage } from "./frame.ts";
import { landingFor } from "./sections.ts";
import { supportConsolePages } from "./support.ts";
import { ordersConsolePages } from "./orders.ts";
import { depositConsolePages } from "./deposits.ts";
import { gatewayPaymentConsolePages } from "./gateway-payments.ts";
import { paymentMethodConsolePages } from "./payment-methods.ts";
import { userConsolePages } from "./users.ts";
import { userActionPages } from "./user-actions.ts";
import { whiteLabelConsolePages } from "./white-label.ts";
import { whiteLabelPlanPages } from "./white-label-plans.ts";
import { catalogueConsolePages } from "./catalogue/pages.ts";
import { auditConsolePages } from "./audit.ts";
import { settingsConsolePages } from "./settings.ts";
import { exportsConsolePages } from "./exports.ts";

/**
 * Staff only, by the same rule as the admin API (`staffActionOf` on the path below /admin): anyone
 * else gets the 403 page; support staff opening the dashboard land on their first section.
 */
const consoleAccess = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get("user");
  if (!user || !isStaff(user.role)) throw new Forbidden("Staff only");
  // The platform may require a second factor of its staff: enrol first.
  if (await mustEnrolTwoFactor(ctxOf(c), user)) return c.redirect("/account/settings?flash=two_factor_required#two-factor", 303);
  const path = c.req.path.replace(/^\/admin/, "");
  if (!staffMay(user.role, staffActionOf(c.req.method, path))) {
    const first = landingFor(user.role);
    if ((path === "" || path === "/") && first) return c.redirect(first.path, 303);
    throw new Forbidden("Your role does not allow this page");
  }
  await next();
});

/** The admin console at /admin on the platform host: server-rendered pages over the admin API's verbs. */
export function adminConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  app.use("/admin", platformOnly);
  app.use("/admin/*", platformOnly);
  const staff = new Hono<AppEnv>();
  staff.use("/admin", consoleAccess);
  staff.use("/admin/*", consoleAccess);

  staff.get("/admin", (c) => {
    const query = dashboardQuery({ days: c.req.query("days"), from: c.req.query("from"), to: c.req.query("to") }, ctxOf(c).clock.now());
    const status = query.kind === "refused" ? 422 : undefined;
    return consolePage(c, sf, { id: "admin-dashboard", section: "dashboard", heading: "admin.dash.title", status }, (f) => dashboardPage(ctxOf(c), f, query));
  });

  staff.route("/", supportConsolePages(sf));
  staff.route("/", ordersConsolePages(sf));
  staff.route("/", depositConsolePages(sf));
  staff.route("/", gatewayPaymentConsolePages(sf));
  staff.route("/", paymentMethodConsolePages(sf));
  staff.route("/", userConsolePages(sf));
  staff.route("/", userActionPages(sf));
  staff.route("/", whiteLabelConsolePages(sf)).route("/", whiteLabelPlanPages(sf));
  staff.route("/", catalogueConsolePages(sf));
  staff.route("/", settingsConsolePages(sf));
  staff.route("/", auditConsolePages(sf));
  staff.route("/", exportsConsolePages(sf));

  return app.route("/", guarded(signedIn, staff));
}
