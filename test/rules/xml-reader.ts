/**
 * A small strict XML reader for tests: elements, attributes, text, the five predefined entities
 * and numeric character references. It throws on anything not well-formed that a JUnit report
 * could get wrong: mismatched or unclosed tags, a raw `<` or `&` in text, an unknown entity,
 * duplicate attributes, or characters XML 1.0 forbids.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function parseXml(text: string): XmlElement {
  if (FORBIDDEN.test(text)) throw new Error('character not allowed in XML 1.0');
  let position = 0;

  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${position}`);
  };
  const decode = (raw: string): string => {
    if (/<|&(?!(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) fail('raw < or & in text');
    return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_m, ref: string) => {
      if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
      return ENTITIES[ref] ?? fail(`unknown entity ${ref}`);
    });
  };

  const skipProlog = () => {
    const prolog = /^<\?xml[^?]*\?>\s*/.exec(text);
    if (prolog !== null) position = prolog[0].length;
  };

  const readElement = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.-]*)/.exec(text.slice(position));
    if (open === null) return fail('expected an element');
    const element: XmlElement = { name: open[1] ?? '', attributes: {}, children: [], text: '' };
    position += open[0].length;

    for (;;) {
      const attribute = /^\s+([A-Za-z_][\w.-]*)="([^"]*)"/.exec(text.slice(position));
      if (attribute === null) break;
      const name = attribute[1] ?? '';
      if (name in element.attributes) fail(`duplicate attribute ${name}`);
      element.attributes[name] = decode(attribute[2] ?? '');
      position += attribute[0].length;
    }

    const end = /^\s*(\/?)>/.exec(text.slice(position));
    if (end === null) return fail('malformed tag');
    position += end[0].length;
    if (end[1] === '/') return element;

    for (;;) {
      const next = text.indexOf('<', position);
      if (next === -1) fail(`unclosed <${element.name}>`);
      element.text += decode(text.slice(position, next));
      position = next;
      const close = new RegExp(`^</${element.name}\\s*>`).exec(text.slice(position));
      if (close !== null) {
        position += close[0].length;
        return element;
      }
      if (text.startsWith('</', position)) fail(`mismatched close tag for <${element.name}>`);
      element.children.push(readElement());
    }
  };

  skipProlog();
  const root = readElement();
  if (text.slice(position).trim() !== '') fail('content after the root element');
  return root;
}
