import type { ApiDocsData, Translate } from "./view-models.ts";

/**
 * The API documentation page of a tenant, built from its own public URL: the standard SMM API v2
 * (every tenant serves it at /api/v2) and, on the platform, the REST developer API v1. Examples in
 * curl, PHP and Python are plain text, escaped by the template like everything else.
 */
export function apiDocsData(baseUrl: string, platform: boolean, t: Translate): ApiDocsData {
  const v2 = `${baseUrl}/api/v2`;
  const v1 = `${baseUrl}/api/v1`;
  const examples = [
    {
      id: "curl",
      label: "curl",
      code: [
        `curl -X POST ${v2} \\`,
        `  -d key=VOTRE_CLE_API -d action=services`,
        ``,
        `curl -X POST ${v2} \\`,
        `  -d key=VOTRE_CLE_API -d action=add -d service=1 \\`,
        `  -d link=https://instagram.com/votre_compte -d quantity=1000`,
        ``,
        `curl -X POST ${v2} -d key=VOTRE_CLE_API -d action=status -d order=23501`,
        `curl -X POST ${v2} -d key=VOTRE_CLE_API -d action=balance`,
      ].join("\n"),
    },
    {
      id: "php",
      label: "PHP",
      code: [
        `<?php`,
        `$ch = curl_init('${v2}');`,
        `curl_setopt_array($ch, [`,
        `    CURLOPT_POST => true,`,
        `    CURLOPT_RETURNTRANSFER => true,`,
        `    CURLOPT_POSTFIELDS => http_build_query([`,
        `        'key' => 'VOTRE_CLE_API',`,
        `        'action' => 'add',`,
        `        'service' => 1,`,
        `        'link' => 'https://instagram.com/votre_compte',`,
        `        'quantity' => 1000,`,
        `    ]),`,
        `]);`,
        `$order = json_decode(curl_exec($ch), true);`,
        `echo $order['order'] ?? $order['error'];`,
      ].join("\n"),
    },
    {
      id: "python",
      label: "Python",
      code: [
        `import requests`,
        ``,
        `API = "${v2}"`,
        `KEY = "VOTRE_CLE_API"`,
        ``,
        `order = requests.post(API, data={"key": KEY, "action": "add", "service": 1,`,
        `                                 "link": "https://instagram.com/votre_compte", "quantity": 1000}).json()`,
        `status = requests.post(API, data={"key": KEY, "action": "status", "order": order["order"]}).json()`,
        `print(status["status"], status["remains"])`,
      ].join("\n"),
    },
  ];
  const actions = [
    {
      action: "services",
      what: t("docs.action.services"),
      params: "",
      answer:
        '[{"service": 1, "name": "…", "type": "Default", "category": "…", "rate": "0.90", "min": "100", "max": "50000", "refill": true, "cancel": false}]',
    },
    {
      action: "add",
      what: t("docs.action.add"),
      params: "service, link, quantity (runs, interval, comments, usernames, answer_number…)",
      answer: '{"order": 23501}',
    },
    {
      action: "status",
      what: t("docs.action.status"),
      params: "order | orders=1,2,3",
      answer: '{"charge": "0.90", "start_count": "3572", "status": "In progress", "remains": "157", "currency": "XOF"}',
    },
    { action: "balance", what: t("docs.action.balance"), params: "", answer: '{"balance": "5000.00", "currency": "XOF"}' },
    { action: "refill", what: t("docs.action.refill"), params: "order | orders", answer: '{"refill": "1"}' },
    { action: "refill_status", what: t("docs.action.refill_status"), params: "refill | refills", answer: '{"status": "Completed"}' },
    { action: "cancel", what: t("docs.action.cancel"), params: "orders=1,2,3", answer: '[{"order": 1, "cancel": 1}]' },
  ];
  const rest = platform
    ? [
        { method: "GET", path: "/services", what: "services.read" },
        { method: "POST", path: "/orders", what: "orders.create" },
        { method: "GET", path: "/orders", what: "orders.read" },
        { method: "GET", path: "/orders/{id}", what: "orders.read" },
        { method: "GET", path: "/balance", what: "balance.read" },
      ]
    : [];
  return { v2, v1: platform ? v1 : null, examples, actions, rest, restExample: platform ? `curl -H "X-API-Key: VOTRE_CLE_API" ${v1}/balance` : null };
}
