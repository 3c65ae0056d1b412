import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { insertSite } from "./helpers.ts";

describeEachDialect("API documentation page", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("is readable without signing in, with the platform's own URLs and examples in curl, PHP and Python, in both languages", async () => {
    const res = await p.request("/docs/api");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("http://izyboost.test/api/v2");
    expect(html).toContain("http://izyboost.test/api/v1");
    for (const id of ["example-curl", "example-php", "example-python"]) expect(html).toContain(`id="${id}"`);
    expect(html).toContain("curl_setopt_array");
    expect(html).toContain("import requests");
    expect(html).toContain("Documentation de l&#39;API");
    const en = await (await p.request("/docs/api?lang=en")).text();
    expect(en).toContain("API documentation");
    // The footer of every page links it.
    expect(await (await p.request("/")).text()).toContain('href="/docs/api"');
  });

  it("on a site, shows the site's own address and only the API the site serves (v2), never the platform's", async () => {
    const site = await insertSite(p);
    const html = await (await p.request("/docs/api", { host: site.host })).text();
    expect(html).toContain(`http://${site.host}/api/v2`);
    expect(html).not.toContain("http://izyboost.test/api");
    expect(html).not.toContain("/api/v1");
    // What the page documents is what the site answers.
    expect((await p.request("/api/v2", { host: site.host, method: "POST", body: new URLSearchParams({ key: "nope", action: "balance" }) })).status).not.toBe(
      404,
    );
  });
});
