import { z } from "zod";
import { startSimProvider } from "./server.ts";
import { CATALOGUE_STYLES } from "./listings.ts";

/** `npm run provider`: a simulated upstream SMM panel for local development. */
const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(9100),
    SIM_HOST: z.string().min(1).default("127.0.0.1"),
    SIM_API_KEY: z.string().min(1).default("sim-key"),
    SIM_BALANCE: z
      .string()
      .regex(/^\d+(\.\d{1,5})?$/)
      .default("1000"),
    SIM_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default("USD"),
    SIM_CATALOGUE: z.enum(CATALOGUE_STYLES).default("clean"),
  })
  .parse(process.env);

const provider = await startSimProvider({
  port: env.PORT,
  host: env.SIM_HOST,
  apiKey: env.SIM_API_KEY,
  balance: env.SIM_BALANCE,
  currency: env.SIM_CURRENCY,
  catalogue: env.SIM_CATALOGUE,
});
const admin = provider.url.replace(/\/api\/v2$/, "/__sim");
console.log(`Simulated SMM provider listening
  API URL: ${provider.url}
  API key: ${provider.apiKey}
  Admin:   ${admin}/faults, ${admin}/advance, ${admin}/orders/:id/outcome …`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void provider.close().then(() => process.exit(0));
  });
}
