/**
 * A small, safe Markdown subset for the pages owners write (FAQ, terms, contact): headings (#, ##,
 * ###), paragraphs, lists (- or *), **bold** and [links](https://…). It is parsed into blocks of
 * plain text that templates print escaped: no HTML of the author's ever reaches a page, and a link
 * keeps only an http(s) or mailto address.
 */

type Inline = { text: string; bold?: true; href?: string };
type Block = { kind: "h2" | "h3" | "p"; parts: Inline[] } | { kind: "ul"; items: Inline[][] };

const LINK = /\[([^\]\n]{1,200})\]\(((?:https?:\/\/|mailto:)[^\s)]{1,500})\)/;

function inline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest) {
    const link = LINK.exec(rest);
    const bold = /\*\*([^*\n]{1,500})\*\*/.exec(rest);
    const next = [link, bold].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index)[0];
    if (!next) {
      out.push({ text: rest });
      break;
    }
    if (next.index > 0) out.push({ text: rest.slice(0, next.index) });
    if (next === link) out.push({ text: next[1]!, href: next[2]! });
    else out.push({ text: next[1]!, bold: true });
    rest = rest.slice(next.index + next[0].length);
  }
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: Inline[][] | null = null;
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: "p", parts: inline(paragraph.join(" ")) });
    paragraph = [];
    if (list) blocks.push({ kind: "ul", items: list });
    list = null;
  };
  for (const raw of source.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trim();
    if (!line) {
      flush();
      continue;
    }
    const heading = /^(#{1,3})\s+(.+)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: heading[1]!.length === 3 ? "h3" : "h2", parts: inline(heading[2]!) });
      continue;
    }
    const item = /^[-*]\s+(.+)$/.exec(line);
    if (item) {
      if (paragraph.length) {
        blocks.push({ kind: "p", parts: inline(paragraph.join(" ")) });
        paragraph = [];
      }
      list ??= [];
      list.push(inline(item[1]!));
      continue;
    }
    if (list) flush();
    paragraph.push(line);
  }
  flush();
  return blocks;
}
