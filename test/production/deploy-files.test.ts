import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TLS_ASK_PATH } from "../../src/white-label/tls-ask.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** A tiny reader of the compose file's shape: each top-level service and the lines of its block (anchors followed). */
function services(yaml: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const anchors = new Map<string, string>();
  const lines = yaml.split("\n");
  // Top-level anchors (`x-app: &app`) and their indented blocks.
  lines.forEach((line, i) => {
    const m = /^[\w-]+: &(\w+)$/.exec(line);
    if (m) anchors.set(m[1]!, blockAfter(lines, i, 0));
  });
  const start = lines.indexOf("services:");
  for (let i = start + 1; i < lines.length && !/^\S/.test(lines[i]!); i++) {
    const m = /^ {2}([\w-]+):$/.exec(lines[i]!);
    if (!m) continue;
    let block = blockAfter(lines, i, 2);
    const merged = /<<: \*(\w+)/.exec(block);
    if (merged) block += `\n${anchors.get(merged[1]!) ?? ""}`;
    blocks.set(m[1]!, block);
  }
  return blocks;
}

function blockAfter(lines: string[], i: number, indent: number): string {
  const out: string[] = [];
  for (let j = i + 1; j < lines.length; j++) {
    const line = lines[j]!;
    if (line.trim() && line.search(/\S/) <= indent) break;
    out.push(line);
  }
  return out.join("\n");
}

describe("the deployment files agree with each other and with the app", () => {
  const compose = read("docker-compose.yml");
  const stack = services(compose);
  const caddyfile = read("deploy/Caddyfile");
  const dockerfile = read("Dockerfile");

  it("compose runs two app instances, MariaDB, Redis, Caddy and Mailpit, each with a healthcheck", () => {
    expect([...stack.keys()].sort()).toEqual(["app1", "app2", "caddy", "db", "mailpit", "redis"]);
    for (const [name, block] of stack) expect(block, name).toMatch(/\n\s+healthcheck:/);
    for (const app of ["app1", "app2"]) {
      const block = stack.get(app)!;
      expect(block).toContain("NODE_ENV: production");
      expect(block).toContain("DATABASE_URL: mysql://");
      expect(block).toContain("REDIS_URL: redis://redis:6379");
      expect(block).toContain('INSTANCES: "2"');
      expect(block).toContain("/readyz");
    }
  });

  it("Caddy asks our TLS endpoint through its own listener that balances both instances, and is the trusted proxy", () => {
    // The ask goes to Caddy's internal listener, which proxies to both instances: no single instance is needed for a certificate.
    const ask = new RegExp(`ask (http://127\\.0\\.0\\.1:(\\d+))${TLS_ASK_PATH}`).exec(caddyfile);
    expect(ask).not.toBeNull();
    const listener = new RegExp(`^${ask![1]!.replace(/\./g, "\\.")} \\{\\n\\tbind 127\\.0\\.0\\.1\\n\\timport instances\\n\\}`, "m");
    expect(caddyfile).toMatch(listener);
    expect(compose).not.toContain(`${ask![2]}:${ask![2]}`);
    expect(caddyfile).toMatch(/reverse_proxy app1:8000 app2:8000/);
    expect(caddyfile).toContain("health_uri /readyz");
    expect(caddyfile).toMatch(/on_demand\b/);
    const caddyAddress = /ipv4_address: ([\d.]+)/.exec(stack.get("caddy")!)?.[1];
    expect(caddyAddress).toBeDefined();
    expect(stack.get("app1")).toContain(`TRUSTED_PROXIES: ${caddyAddress}`);
  });

  it("the image is Node 24, production dependencies only, non-root, with a healthcheck", () => {
    expect(dockerfile).toMatch(/^FROM node:24[\w.-]* AS deps$/m);
    expect(dockerfile).toMatch(/^FROM node:24[\w.-]* AS runtime$/m);
    expect(dockerfile).toContain("npm ci --omit=dev");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toContain('CMD ["node", "src/main.ts"]');
  });
});
