import type { Lang } from "../i18n/lang.ts";

/**
 * Category names in French. Providers name categories in English ("Instagram Followers"); the
 * French name is made once, when a category is imported or seeded, from the common words of the
 * trade, and stored (`categories.name_fr`) where admins may correct it.
 */

/** Platform names as providers write them at the start of a category ("X (Twitter)" before "X"). */
const PLATFORM_PREFIX =
  /^(instagram|tik ?tok|youtube|facebook|telegram|x \(twitter\)|twitter|x|spotify|twitch|soundcloud|discord|linkedin|threads|snapchat|pinterest|reddit|whatsapp|kick|apple music|deezer|audiomack|vk|quora|tumblr)\b\s*/i;

/** A qualifier kept as it is at the end: "[HQ]", "(Real)", "- No refill", "| Fast". */
const QUALIFIER = /\s*([[(].*|[-–|].*)$/;

/** Phrases first (the longest wins), then single words; French order: the noun, then what it is of. */
const PHRASES: [RegExp, string][] = [
  [/^story poll votes$/i, "Votes de sondage de story"],
  [/^community poll votes$/i, "Votes de sondage de la communauté"],
  [/^poll votes$/i, "Votes de sondage"],
  [/^comment likes$/i, "J'aime de commentaires"],
  [/^auto likes$/i, "J'aime automatiques"],
  [/^auto views$/i, "Vues automatiques"],
  [/^live stream views$/i, "Vues de live"],
  [/^live viewers$/i, "Spectateurs de live"],
  [/^reels views$/i, "Vues de Reels"],
  [/^shorts views$/i, "Vues de Shorts"],
  [/^story views$/i, "Vues de story"],
  [/^video views$/i, "Vues de vidéos"],
  [/^post views$/i, "Vues de publications"],
  [/^channel views$/i, "Vues de chaîne"],
  [/^clip views$/i, "Vues de clips"],
  [/^page likes$/i, "J'aime de page"],
  [/^post likes$/i, "J'aime de publications"],
  [/^post reactions$/i, "Réactions aux publications"],
  [/^group members$/i, "Membres de groupe"],
  [/^server members$/i, "Membres de serveur"],
  [/^channel members$/i, "Membres de chaîne"],
  [/^playlist followers$/i, "Abonnés de playlist"],
  [/^monthly listeners$/i, "Auditeurs mensuels"],
  [/^watch time$/i, "Durée de visionnage"],
  [/^website traffic$/i, "Trafic de site web"],
  [/^followers$/i, "Abonnés"],
  [/^subscribers$/i, "Abonnés"],
  [/^likes$/i, "J'aime"],
  [/^views$/i, "Vues"],
  [/^comments$/i, "Commentaires"],
  [/^members$/i, "Membres"],
  [/^shares$/i, "Partages"],
  [/^plays$/i, "Écoutes"],
  [/^streams$/i, "Écoutes"],
  [/^saves$/i, "Enregistrements"],
  [/^reactions$/i, "Réactions"],
  [/^mentions$/i, "Mentions"],
  [/^retweets$/i, "Retweets"],
  [/^reposts$/i, "Reposts"],
  [/^connections$/i, "Relations"],
  [/^packages$/i, "Packs"],
  [/^votes$/i, "Votes"],
  [/^traffic$/i, "Trafic"],
  [/^impressions$/i, "Impressions"],
  [/^downloads$/i, "Téléchargements"],
  [/^reviews$/i, "Avis"],
];

/**
 * "Instagram Followers" → "Abonnés Instagram", "YouTube Comment Likes [HQ]" → "J'aime de
 * commentaires YouTube [HQ]"; null when no word of it is one we know (an admin may name it).
 */
export function frenchCategoryName(name: string): string | null {
  const trimmed = name.trim().replace(/\s+/g, " ");
  const qualifier = QUALIFIER.exec(trimmed);
  const core = qualifier ? trimmed.slice(0, qualifier.index) : trimmed;
  const prefix = PLATFORM_PREFIX.exec(core);
  const platform = prefix ? core.slice(0, prefix[0].length).trim() : "";
  const rest = prefix ? core.slice(prefix[0].length).trim() : core;
  const phrase = PHRASES.find(([pattern]) => pattern.test(rest));
  if (!phrase) return null;
  const french = platform ? `${phrase[1]} ${platform}` : phrase[1];
  return qualifier ? `${french} ${qualifier[1]}` : french;
}

/** A category's name in `lang`: its own name in that language, else the name it was imported with. */
export function categoryNameIn(lang: Lang, c: { name: string; name_fr: string | null; name_en: string | null }): string {
  return (lang === "fr" ? c.name_fr : c.name_en) || c.name;
}

/** A category's name and description in `lang` (as categoryNameIn picks the name; a description in the language, else the stored one). */
export function categoryTextIn(
  lang: Lang,
  c: { name: string; name_fr: string | null; name_en: string | null; description: string | null; description_fr: string | null; description_en: string | null },
): { name: string; description: string | null } {
  return { name: categoryNameIn(lang, c), description: (lang === "fr" ? c.description_fr : c.description_en) || c.description };
}

/** A service's name and description as the page's language shows them: the admin's text in it, else the imported one. */
export function serviceTextIn(
  lang: Lang,
  s: { name: string; description: string | null; name_fr: string | null; name_en: string | null; description_fr: string | null; description_en: string | null },
): { name: string; description: string | null } {
  return lang === "fr"
    ? { name: s.name_fr || s.name, description: s.description_fr || s.description }
    : { name: s.name_en || s.name, description: s.description_en || s.description };
}

/** Lower case without accents: "Abonnés" and "abonnes" meet. */
function foldForSearch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

/**
 * A search over services in both languages: every word of the query (accents and case ignored, in
 * any order) appears in the service's name or in its category's name in French or English.
 */
export function serviceSearch(
  query: string,
): (s: {
  name: string;
  name_fr?: string | null;
  name_en?: string | null;
  category_name: string;
  category_name_fr: string | null;
  category_name_en: string | null;
}) => boolean {
  const words = foldForSearch(query).split(/\s+/).filter(Boolean);
  if (!words.length) return () => true;
  return (s) => {
    const haystack = foldForSearch(
      `${s.name} ${s.name_fr ?? ""} ${s.name_en ?? ""} ${s.category_name} ${s.category_name_fr ?? ""} ${s.category_name_en ?? ""}`,
    );
    return words.every((w) => haystack.includes(w));
  };
}
