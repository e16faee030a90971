/**
 * The names layer classes are registered under (registerLayer), kept apart from the registry
 * so that the Layer base class can look them up without importing the built-in layers.
 */
const registered = new WeakMap<object, string>();

export function nameClass(cls: object, name: string): void {
  registered.set(cls, name);
}

/**
 * The name model files store for a layer class: the registered one, else the class's own
 * static `className` (the built-ins declare theirs), else undefined (not loadable).
 */
export function registeredName(cls: object): string | undefined {
  const name = registered.get(cls);
  if (name !== undefined) return name;
  return Object.hasOwn(cls, 'className') ? String((cls as { className: unknown }).className) : undefined;
}
