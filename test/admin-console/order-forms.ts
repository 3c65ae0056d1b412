import type { TestPlatform } from "../harness/platform.ts";
import type { Jar } from "../storefront/helpers.ts";

/** A form post on the platform host whose fields may repeat (the bulk form's checkboxes), as a browser sends it. */
export async function postForm(p: TestPlatform, jar: Jar, path: string, fields: Record<string, string | string[]>) {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  const res = jar.take(
    await p.request(path, {
      host: "izyboost.test",
      method: "POST",
      body: form.toString(),
      headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
    }),
  );
  return { res, html: await res.text() };
}

/** The hidden fields of a confirmation page's form, as the browser would post them back (repeated names as a list). */
export function confirmFields(html: string): Record<string, string | string[]> {
  const form = /<form method="post" action="[^"]+" class="admin-actions">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? "";
  const out: Record<string, string | string[]> = {};
  for (const [, name = "", value = ""] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const prior = out[name];
    out[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return out;
}
