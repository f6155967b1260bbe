import type { StoreItem } from 'botbuilder';

/** The eTag a write must match, or '' for an unconditional write (`*` or none). */
export function conditionalETag(item: unknown): string {
  const eTag = item && typeof item === 'object' ? (item as StoreItem).eTag : undefined;
  return typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? eTag : '';
}

/** The item as JSON without its eTag (the store keeps the eTag beside it). */
export function serializeWithoutETag(item: unknown): string {
  const copy: StoreItem = { ...(item && typeof item === 'object' ? item : {}) };
  delete copy.eTag;
  return JSON.stringify(copy);
}
