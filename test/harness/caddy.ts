import { join } from "node:path";
import { TLS_ASK_PATH } from "../../src/white-label/tls-ask.ts";

/**
 * The opening of the global options block of a Caddy on loopback (left open for more options): no admin
 * endpoint, no trust-store install, our own ports, certificates stored under `dir`.
 */
function loopbackOptions(o: { dir: string; httpPort: number; httpsPort: number }): string {
  return `{
	admin off
	skip_install_trust
	http_port ${o.httpPort}
	https_port ${o.httpsPort}
	storage file_system {
		root ${join(o.dir, "storage")}
	}`;
}

/**
 * Caddy as deploy/Caddyfile runs it, on loopback (the real-Caddy test and the load suite): the platform host's
 * certificate up front when named, `tls internal` certificates on demand for the hosts our ask endpoint allows, round robin over both instances with
 * /readyz health checks, and the ask itself sent through an internal listener that balances both.
 */
export function caddyfile(o: { dir: string; httpPort: number; httpsPort: number; askPort: number; upstreams: number[]; platformHost?: string }): string {
  const platformBlock = o.platformHost ? `https://${o.platformHost} {\n\ttls internal\n\timport instances\n}\n\n` : "";
  return `${loopbackOptions(o)}
	on_demand_tls {
		ask http://127.0.0.1:${o.askPort}${TLS_ASK_PATH}
	}
	log {
		output file ${join(o.dir, "caddy.log")}
		level ERROR
	}
}

(instances) {
	reverse_proxy ${o.upstreams.map((p) => `127.0.0.1:${p}`).join(" ")} {
		lb_policy round_robin
		lb_try_duration 3s
		health_uri /readyz
		health_interval 5s
		health_timeout 3s
	}
}

http://127.0.0.1:${o.askPort} {
	bind 127.0.0.1
	import instances
}

${platformBlock}https:// {
	tls internal {
		on_demand
	}
	import instances
}
`;
}

/** Caddy alone in front of one upstream for one host (the hello-world through Caddy): its own cost, without the app's. */
export function plainCaddyfile(o: { dir: string; httpPort: number; httpsPort: number; host: string; upstreams: number[] }): string {
  return `${loopbackOptions(o)}
}

https://${o.host} {
	tls internal
	reverse_proxy ${o.upstreams.map((p) => `127.0.0.1:${p}`).join(" ")}
}
`;
}
