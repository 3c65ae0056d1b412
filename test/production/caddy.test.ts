import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TLS_ASK_PATH } from "../../src/white-label/tls-ask.ts";
import { serveOnLoopback } from "../browser/browser.ts";
import { anotherInstance, body, describeEachDialect, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { resellerWithSite, whiteLabelPlatform } from "../white-label/helpers.ts";
import { freePort, listening } from "../harness/ports.ts";
import { caddyfile } from "../harness/caddy.ts";

const CADDY = process.env.CADDY_BIN ?? "caddy";
const caddyPresent = spawnSync(CADDY, ["version"], { stdio: "ignore" }).status === 0;

/** An HTTPS request through Caddy for `domain`, as a browser resolving it to this machine would make it. */
function viaCaddy(port: number, domain: string, path = "/") {
  return new Promise<{ status: number; html: string; san: string; cookies: string[] }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, servername: domain, headers: { host: domain }, rejectUnauthorized: false, agent: false }, (res) => {
      const san = (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? "";
      let html = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (html += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, html, san, cookies: res.headers["set-cookie"] ?? [] }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

// Production's front: Debian's Caddy with on-demand TLS asking us, in front of two instances.
describeEachDialect("Caddy in front of two instances", (dialect) => {
  describe.skipIf(!caddyPresent)(
    caddyPresent ? "real Caddy on loopback" : `skipped: no ${CADDY} on this machine (apt-get install caddy, or set CADDY_BIN)`,
    () => {
      const env = { TRUSTED_PROXIES: "127.0.0.1" };
      let a: TestPlatform & { dataDir: string };
      let b: TestPlatform;
      const servers: { close(): Promise<void> }[] = [];
      let caddy: ChildProcess | undefined;
      let dir = "";
      let httpsPort = 0;
      let caddyExit: Promise<void> = Promise.resolve();
      const hostsOnA: string[] = [];
      const hostsOnB: string[] = [];

      /** The instance, noting the Host of each request that reaches it. */
      function counted<P extends TestPlatform>(p: P, hosts: string[]): P {
        const fetch = p.app.fetch;
        const app = Object.create(p.app) as typeof p.app;
        app.fetch = (req: Request, ...rest: unknown[]) => {
          hosts.push(req.headers.get("host") ?? "");
          return (fetch as (req: Request, ...rest: unknown[]) => Response | Promise<Response>)(req, ...rest);
        };
        return { ...p, app };
      }

      beforeAll(async () => {
        a = await whiteLabelPlatform(dialect, { env });
        b = await anotherInstance(a, env);
        const onA = await serveOnLoopback(counted(a, hostsOnA));
        const onB = await serveOnLoopback(counted(b, hostsOnB));
        servers.push(onA, onB);
        dir = mkdtempSync(join(tmpdir(), "izy-caddy-"));
        httpsPort = await freePort();
        const file = join(dir, "Caddyfile");
        writeFileSync(file, caddyfile({ dir, httpPort: await freePort(), httpsPort, askPort: await freePort(), upstreams: [onA.port, onB.port] }));
        // Caddy's own data and config under the temp dir, never the user's.
        caddy = spawn(CADDY, ["run", "--config", file, "--adapter", "caddyfile"], {
          env: { PATH: process.env.PATH ?? "", HOME: dir, XDG_DATA_HOME: join(dir, "data"), XDG_CONFIG_HOME: join(dir, "config") },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        caddy.stderr?.on("data", (d) => (stderr += d));
        const proc = caddy;
        caddyExit = new Promise((resolve) => proc.once("exit", () => resolve()));
        const exitedEarly = caddyExit.then(() => {
          throw new Error("Caddy stopped");
        });
        await Promise.race([listening(httpsPort, 15_000), exitedEarly]).catch((err) => {
          throw new Error(`${err.message}\n${stderr.slice(-2000)}`);
        });
      }, 40_000);

      afterAll(async () => {
        if (caddy && caddy.exitCode === null) {
          caddy.kill("SIGTERM");
          const killed = setTimeout(() => caddy?.kill("SIGKILL"), 3_000);
          await caddyExit;
          clearTimeout(killed);
        }
        for (const s of servers) await s.close();
        await b?.close();
        await a?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      /** A site with `domain` set on it, proven by its TXT record when `verified`. */
      async function siteOnDomain(domain: string, verified: boolean) {
        const owner = await resellerWithSite(a);
        const set = await a.request(`/api/white-label/sites/${owner.site.uuid}/domain`, { method: "PUT", token: owner.token, json: { custom_domain: domain } });
        expect(set.status).toBe(200);
        if (verified) {
          const txt = (await body(set)).data.domain.txt_record;
          a.answerTxt(async (name) => (name === txt.name ? [[txt.value]] : []));
          expect((await a.request(`/api/white-label/sites/${owner.site.uuid}/domain/verify`, { method: "POST", token: owner.token })).status).toBe(200);
        }
        return owner;
      }

      it("a verified custom domain gets a certificate and its storefront, from both instances", async () => {
        const domain = `${uniqueName("shop")}.example.com`;
        const owner = await siteOnDomain(domain, true);
        await a.request(`/api/white-label/sites/${owner.site.uuid}/branding`, { method: "PUT", token: owner.token, json: { name: "Boutique Caddy" } });
        // Round robin: two visits reach both instances, and each serves the site.
        for (let i = 0; i < 2; i++) {
          const home = await viaCaddy(httpsPort, domain);
          expect(home.status).toBe(200);
          expect(home.san).toBe(`DNS:${domain}`);
          expect(home.html).toContain("Boutique Caddy");
        }
        expect([hostsOnA.filter((h) => h === domain).length, hostsOnB.filter((h) => h === domain).length]).toEqual([1, 1]);
        expect(existsSync(join(dir, "storage", "certificates", "local", domain, `${domain}.crt`))).toBe(true);
        // Caddy's X-Forwarded-Proto is trusted: the app knows the visit is HTTPS and names its cookies for it.
        const login = await viaCaddy(httpsPort, domain, "/login");
        expect(login.status).toBe(200);
        expect(login.cookies.some((c) => c.startsWith("__Host-izy_csrf=") && /;\s*secure/i.test(c))).toBe(true);
      });

      it("an unverified domain gets no certificate: the TLS handshake fails", async () => {
        const domain = `${uniqueName("shop")}.example.com`;
        await siteOnDomain(domain, false);
        // Caddy asks us (what it asks, answered here directly): no, so it has no certificate to offer.
        expect((await a.request(`${TLS_ASK_PATH}?domain=${domain}`, { host: "127.0.0.1", ip: "127.0.0.1" })).status).toBe(404);
        await expect(viaCaddy(httpsPort, domain)).rejects.toThrow(/alert|handshake|ssl|tls/i);
        const unknown = `${uniqueName("nobody")}.example.org`;
        await expect(viaCaddy(httpsPort, unknown)).rejects.toThrow(/alert|handshake|ssl|tls/i);
        expect(existsSync(join(dir, "storage", "certificates", "local", domain))).toBe(false);
        expect(existsSync(join(dir, "storage", "certificates", "local", unknown))).toBe(false);
      });
    },
  );
});
