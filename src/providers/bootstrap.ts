import type { AppServices } from "../context.ts";

/**
 * Makes sure the configured upstream provider exists in api_providers before jobs run.
 * (Filled in by the providers feature.)
 */
export async function prepareProviders(_services: AppServices): Promise<void> {}
