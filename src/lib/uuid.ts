/** A public id as the API shows it; any case is accepted (verbs compare it lower-cased). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route pattern of a `:uuid` path segment: loose on purpose, the verb behind it checks with UUID and answers 404. */
export const UUID_SEGMENT = "[0-9a-fA-F-]{36}";
