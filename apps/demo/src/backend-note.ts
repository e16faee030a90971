/** Which backend a worker trains on, and why. */
export interface BackendChoice {
  name: string;
  threads: number;
  /** Why wasm did not load, or why it runs on one thread; undefined when neither. */
  note: string | undefined;
}

/**
 * The page's note under a training: on which backend and how many threads, or in bold (the
 * element gets class "warning") that it fell back to the slower js backend and why.
 */
export function showBackend(element: HTMLElement, b: BackendChoice): void {
  element.dataset.backend = b.name;
  element.dataset.threads = String(b.threads);
  element.classList.toggle('warning', b.name !== 'wasm');
  element.textContent =
    b.name === 'wasm'
      ? `Training runs on the WebAssembly SIMD backend, ${b.threads === 1 ? 'one thread' : `${b.threads} threads`}${b.note ? ` (${b.note})` : ''}.`
      : `Training runs on the slower js backend: ${b.note}.`;
}
