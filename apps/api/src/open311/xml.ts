/** A value that maps to XML as GeoReport v2 does: objects to child elements, lists to repeated items. */
export type XmlValue = string | number | boolean | null | undefined | readonly XmlValue[] | { readonly [element: string]: XmlValue };

/** Characters XML 1.0 cannot carry at all, not even escaped. */
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * An XML document whose root element `root` holds `value`. The items of a list are elements named
 * by `itemNames` after the list (`services` → `service`). Undefined leaves the element out; null
 * gives an empty one. Element names come from our code, never from input, so they are not escaped.
 */
export function toXmlDocument(root: string, value: XmlValue, itemNames: Readonly<Record<string, string>>): string {
  const element = (name: string, content: XmlValue): string => {
    if (content === undefined) return '';
    if (Array.isArray(content)) {
      const itemName = itemNames[name];
      if (!itemName) throw new Error(`no element name for the items of <${name}>`);
      return `<${name}>${content.map((item) => element(itemName, item)).join('')}</${name}>`;
    }
    if (content !== null && typeof content === 'object') {
      return `<${name}>${Object.entries(content).map(([child, childContent]) => element(child, childContent)).join('')}</${name}>`;
    }
    return `<${name}>${escapeText(String(content ?? ''))}</${name}>`;
  };
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}

function escapeText(text: string): string {
  return text.replace(NOT_XML_CHARACTER, '').replace(/[&<>"']/g, (character) => ESCAPES[character]);
}
