// A minimal, dependency-free XML reader: elements, attributes, text, comments, CDATA,
// processing instructions, a DOCTYPE (skipped) and the predefined + numeric entities.
// Enough for URDF; it does not validate against DTDs or handle namespaces specially.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export class XmlParseError extends Error {}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

function decodeEntities(s: string, where: () => string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (match, body: string | undefined) => {
    if (body === undefined) throw new XmlParseError(`${where()}: bare '&' (write &amp;)`);
    if (body.startsWith("#x")) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith("#")) return String.fromCodePoint(parseInt(body.slice(1), 10));
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    const v = named[body];
    if (v === undefined) throw new XmlParseError(`${where()}: unknown entity ${match}`);
    return v;
  });
}

export function parseXml(text: string, source = "xml"): XmlElement {
  let pos = 0;
  const where = (at = pos): string => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const col = at - before.lastIndexOf("\n");
    return `${source}:${line}:${col}`;
  };
  const fail = (msg: string, at = pos): never => {
    throw new XmlParseError(`${where(at)}: ${msg}`);
  };
  const skipUntil = (terminator: string, what: string): void => {
    const end = text.indexOf(terminator, pos);
    if (end < 0) fail(`unterminated ${what}`);
    pos = end + terminator.length;
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) return fail("expected a name");
    pos += m[0].length;
    return m[0];
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  /** Skips comments, PIs and DOCTYPE; returns true if something was skipped. */
  const skipMisc = (): boolean => {
    if (text.startsWith("<!--", pos)) {
      skipUntil("-->", "comment");
      return true;
    }
    if (text.startsWith("<?", pos)) {
      skipUntil("?>", "processing instruction");
      return true;
    }
    if (text.startsWith("<!DOCTYPE", pos)) {
      // An internal subset [...] may contain '>' characters, so balance brackets.
      let depth = 0;
      for (; pos < text.length; pos++) {
        const c = text[pos];
        if (c === "[") depth++;
        else if (c === "]") depth--;
        else if (c === ">" && depth === 0) {
          pos++;
          return true;
        }
      }
      fail("unterminated DOCTYPE");
    }
    return false;
  };

  const parseElement = (): XmlElement => {
    const start = pos;
    pos++; // '<'
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (text.startsWith("/>", pos)) {
        pos += 2;
        return { name, attributes, children: [], text: "" };
      }
      if (text[pos] === ">") {
        pos++;
        break;
      }
      if (pos >= text.length) fail(`unterminated start tag <${name}>`, start);
      const attrStart = pos;
      const attr = readName();
      skipSpace();
      if (text[pos] !== "=") fail(`attribute ${attr} of <${name}> has no value`);
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr} of <${name}> must be quoted`);
      const end = text.indexOf(quote!, pos + 1);
      if (end < 0) fail(`unterminated value of attribute ${attr}`);
      if (attr in attributes) fail(`duplicate attribute ${attr} on <${name}>`, attrStart);
      const raw = text.slice(pos + 1, end);
      if (raw.includes("<")) fail(`'<' in value of attribute ${attr}`);
      attributes[attr] = decodeEntities(raw, () => where(attrStart));
      pos = end + 1;
    }
    const children: XmlElement[] = [];
    let content = "";
    for (;;) {
      if (pos >= text.length) fail(`element <${name}> is never closed`, start);
      if (text.startsWith("</", pos)) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}> opened at ${where(start)}`);
        skipSpace();
        if (text[pos] !== ">") fail(`expected '>' after </${closing}`);
        pos++;
        return { name, attributes, children, text: content };
      }
      if (text.startsWith("<![CDATA[", pos)) {
        const end = text.indexOf("]]>", pos);
        if (end < 0) fail("unterminated CDATA section");
        content += text.slice(pos + 9, end);
        pos = end + 3;
        continue;
      }
      if (text.startsWith("<!--", pos) || text.startsWith("<?", pos)) {
        skipMisc();
        continue;
      }
      if (text[pos] === "<") {
        children.push(parseElement());
        continue;
      }
      const next = text.indexOf("<", pos);
      const end = next < 0 ? text.length : next;
      const at = pos;
      content += decodeEntities(text.slice(pos, end), () => where(at));
      pos = end;
    }
  };

  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  for (;;) {
    skipSpace();
    if (!skipMisc()) break;
  }
  if (text[pos] !== "<") fail("expected the root element");
  const root = parseElement();
  for (;;) {
    skipSpace();
    if (!skipMisc()) break;
  }
  if (pos < text.length) fail("content after the root element");
  return root;
}

/** Escapes text for use inside a double-quoted attribute. */
export function escapeXmlAttribute(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
