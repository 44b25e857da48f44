// Runs in the engine host: least-recently-used bookkeeping on a Map (insertion order = use order).

/** The value of `key`, marked as the most recently used. */
export function lruGet<V>(map: Map<string, V>, key: string): V | undefined {
  const value = map.get(key)
  if (value !== undefined) {
    map.delete(key)
    map.set(key, value)
  }
  return value
}

/** Stores `value` as the most recently used, dropping the least recently used entries beyond `max`. */
export function lruSet<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key)
  map.set(key, value)
  while (map.size > max) map.delete(map.keys().next().value as string)
}
