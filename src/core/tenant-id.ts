/** The platform itself is tenant 0: its users, orders, ledger rows and tickets carry site_id 0. */
export const PLATFORM_TENANT_ID = 0;
