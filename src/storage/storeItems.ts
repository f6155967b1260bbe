import type { StoreItem } from 'botbuilder';

/**
 * Set by a storage on an item it reads (non-enumerable): the exact JSON text it holds for the item,
 * without the eTag, when it knows that text is `JSON.stringify` output of an object without an `eTag`
 * key, i.e. what {@link serializeWithoutETag} wrote. Such a text re-stringifies to itself once parsed,
 * so a reader can use it as the item's JSON instead of stringifying the item again. Informational only:
 * a storage never reads it back on write (the item may have changed since), see {@link JSON_TO_WRITE}.
 */
export const STORED_JSON: unique symbol = Symbol('storedJson');

/**
 * Set by a writer on an item (non-enumerable) right before `storage.write` and removed right after:
 * `JSON.stringify` of the item without its eTag, computed anyway, so {@link serializeWithoutETag} uses it
 * instead of stringifying the item again. A storage that does not know it ignores it (JSON.stringify and
 * spreads skip non-enumerable symbol keys), so it never reaches stored data.
 */
export const JSON_TO_WRITE: unique symbol = Symbol('jsonToWrite');

/** The eTag a write must match, or '' for an unconditional write (`*` or none). */
export function conditionalETag(item: unknown): string {
  const eTag = item && typeof item === 'object' ? (item as StoreItem).eTag : undefined;
  return typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? eTag : '';
}

/**
 * The item as JSON without its eTag (the store keeps the eTag beside it): the writer's
 * {@link JSON_TO_WRITE} text when it set one, else `JSON.stringify` of a copy without the eTag.
 */
export function serializeWithoutETag(item: unknown): string {
  if (!item || typeof item !== 'object') return '{}';
  const given = (item as { [JSON_TO_WRITE]?: unknown })[JSON_TO_WRITE];
  return typeof given === 'string' ? given : jsonWithoutETag(item);
}

/**
 * `JSON.stringify` of the item without its eTag, always computed: a shallow copy (a few top-level keys)
 * drops the eTag, the nested state is not copied.
 */
export function jsonWithoutETag(item: object): string {
  const copy: StoreItem = { ...item };
  delete copy.eTag;
  return JSON.stringify(copy);
}

/**
 * The item a storage returns for its stored JSON text and eTag. With `trusted` (the storage wrote the
 * text with {@link serializeWithoutETag}) the text is attached as {@link STORED_JSON}.
 */
export function itemFromStored(data: string, eTag: string, trusted: boolean): StoreItem {
  const item: StoreItem = { ...(JSON.parse(data) as StoreItem), eTag };
  if (trusted) Object.defineProperty(item, STORED_JSON, { value: data, configurable: true });
  return item;
}
