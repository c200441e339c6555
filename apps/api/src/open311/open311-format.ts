import { toXmlDocument, type XmlValue } from './xml';

/** Where GeoReport v2 is served. */
export const OPEN311_PATH = 'open311/v2';

export type Open311Format = 'json' | 'xml';

/** What an Open311 route answers before it is written in the format asked for: the XML root element and the body. */
export interface Open311Document {
  root: string;
  body: XmlValue;
}

/** The media types discovery announces, in the order of its `formats`. */
export const CONTENT_TYPES: Record<Open311Format, string> = {
  json: 'application/json',
  xml: 'text/xml',
};

/** GeoReport v2's names for the items of each list in XML. */
const ITEM_ELEMENTS: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

/** The format a path asks for by its extension, as GeoReport v2 does (`services.xml`); undefined for any other. */
export function formatOfPath(path: string): Open311Format | undefined {
  const extension = /\.(json|xml)$/.exec(path)?.[1];
  return extension === 'json' || extension === 'xml' ? extension : undefined;
}

export function renderDocument(format: Open311Format, document: Open311Document): { contentType: string; text: string } {
  return {
    contentType: `${CONTENT_TYPES[format]}; charset=utf-8`,
    text: format === 'json' ? JSON.stringify(document.body) : toXmlDocument(document.root, document.body, ITEM_ELEMENTS),
  };
}
