import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { Storefront } from "../../storefront/respond.ts";
import { categoryConsolePages } from "./categories.ts";
import { providerConsolePages } from "./providers.ts";
import { serviceConsolePages } from "./services.ts";

/** The Catalogue section: services, categories, providers and their sync. */
export function catalogueConsolePages(sf: Storefront) {
  return new Hono<AppEnv>().route("/", serviceConsolePages(sf)).route("/", categoryConsolePages(sf)).route("/", providerConsolePages(sf));
}
